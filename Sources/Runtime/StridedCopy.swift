import ONNXIR
import Foundation

/// Copies a strided view of a tensor into contiguous memory, for any element width: the one
/// loop behind Transpose (permuted strides), Slice (scaled strides, start offset) and
/// broadcast expansion (zero strides).
enum StridedCopy {
    static func copy(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer,
                     byteWidth: Int, shape: [Int], strides: [Int], offset: Int) {
        if byteWidth == 4, let (images, imageStride, pixels) = channelSplit(shape: shape, strides: strides) {
            // Interleaved channels (NHWC) to planes (NCHW): one pass over the source.
            let s = (source + 4 * offset).assumingMemoryBound(to: UInt32.self)
            let d = destination.assumingMemoryBound(to: UInt32.self)
            for image in 0..<images {
                let from = s + image * imageStride, to = d + image * 3 * pixels
                let (d0, d1, d2) = (to, to + pixels, to + 2 * pixels)
                for i in 0..<pixels {
                    d0[i] = from[3 * i]; d1[i] = from[3 * i + 1]; d2[i] = from[3 * i + 2]
                }
            }
            return
        }
        switch byteWidth {
        case 8: run(source, destination, UInt64.self, shape, strides, offset)
        case 4: run(source, destination, UInt32.self, shape, strides, offset)
        default: run(source, destination, UInt8.self, shape, strides, offset)
        }
    }

    private static func run<W>(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _: W.Type,
                               _ shape: [Int], _ strides: [Int], _ offset: Int) {
        let s = src.assumingMemoryBound(to: W.self)
        let d = dst.assumingMemoryBound(to: W.self)
        let total = shape.reduce(1, *)
        if total == 0 { return }
        guard let inner = shape.last else { d[0] = s[offset]; return }
        let innerStride = strides.last!
        let outerRank = shape.count - 1
        var index = [Int](repeating: 0, count: outerRank)
        var base = offset
        var out = 0
        while out < total {
            if innerStride == 1 {
                (d + out).update(from: s + base, count: inner)
            } else {
                var p = base
                for i in 0..<inner { d[out + i] = s[p]; p += innerStride }
            }
            out += inner
            // Advance the odometer over the outer dimensions.
            var k = outerRank - 1
            while k >= 0 {
                index[k] += 1
                base += strides[k]
                if index[k] < shape[k] { break }
                base -= strides[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
    }

    /// Images, their stride and pixels per image when the view splits 3 interleaved channels
    /// into planes: Keras' NHWC → NCHW input Transpose ([N,] 3 × H × W over strides [3·H·W,]
    /// 1, 3·W, 3), which the general loop ran one row at a time, 3 floats apart (0.51 ms on
    /// Inception's 299 × 299 input on one Emerald Rapids core).
    static func channelSplit(shape: [Int], strides: [Int]) -> (images: Int, imageStride: Int, pixels: Int)? {
        var dims = Array(zip(shape, strides).filter { $0.0 != 1 })
        guard (2...4).contains(dims.count) else { return nil }
        let images = dims.count == 4 || dims[0].1 != 1 ? dims.removeFirst() : (1, 0)
        guard dims.count >= 2, dims[0] == (3, 1) else { return nil }
        // The spatial axes must walk the pixels in order, 3 apart.
        var pixels = 1, expected = 3
        for (size, step) in dims.dropFirst().reversed() {
            guard step == expected else { return nil }
            pixels *= size
            expected *= size
        }
        if images.0 > 1 && images.1 != 3 * pixels { return nil }
        return (images.0, images.1, pixels)
    }

    /// Row-major element strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var st = [Int](repeating: 1, count: shape.count)
        var running = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) { st[k] = running; running *= shape[k] }
        return st
    }
}
