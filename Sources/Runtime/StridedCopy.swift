import ONNXIR
import Foundation

/// Copies a strided view of a tensor into contiguous memory, for any element width: the one
/// loop behind Transpose (permuted strides), Slice (scaled strides, start offset) and
/// broadcast expansion (zero strides).
enum StridedCopy {
    static func copy(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer,
                     byteWidth: Int, shape: [Int], strides: [Int], offset: Int) {
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

    /// Row-major element strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var st = [Int](repeating: 1, count: shape.count)
        var running = 1
        for k in stride(from: shape.count - 1, through: 0, by: -1) { st[k] = running; running *= shape[k] }
        return st
    }
}
