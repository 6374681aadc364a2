/// Where each element of a convolution's im2col matrix B lives, as precomputed offsets, so
/// that packing B is a copy (or a gather) with no per-element bounds logic.
///
/// The input is first copied into a zero-bordered image (channels × paddedHeight ×
/// paddedWidth; no copy when the convolution has no padding). Then element (k, n) of B,
/// for k = (channel, ky, kx) and output pixel n = (oy, ox), sits at
/// `tapOffsets[k] + pixelOffsets[n]` in that image, where
/// `tapOffsets[k] = channel·plane + ky·dilationH·paddedWidth + kx·dilationW` and
/// `pixelOffsets[n] = oy·strideH·paddedWidth + ox·strideW`.
/// A 16-pixel strip whose offsets are consecutive (stride 1, one output row) packs with one
/// vector copy per k; one made of two consecutive runs (stride 1, crossing a row end) with two
/// copies and a blend; other strips gather lane by lane.
final class ColumnSource {
    let paddedHeight: Int
    let paddedWidth: Int
    let needsPaddedCopy: Bool
    /// Per k of one group: offset of the tap's (0, 0) pixel.
    let tapOffsets: UnsafeMutablePointer<Int>
    /// Per output pixel, rounded up to whole strips (tail lanes repeat the last pixel).
    let pixelOffsets: UnsafeMutablePointer<Int32>
    /// Per strip: 16 when its offsets are consecutive; L in 1..<16 when lanes L..<16 are a
    /// second consecutive run (starting at offset `pixelOffsets[strip·16 + L]`); 0 otherwise.
    let runSplit: UnsafeMutablePointer<Int32>
    let strips: Int

    init(shape s: Conv2DShape) {
        paddedHeight = s.inHeight + s.padTop + s.padBottom
        paddedWidth = s.inWidth + s.padLeft + s.padRight
        needsPaddedCopy = paddedHeight != s.inHeight || paddedWidth != s.inWidth
        let plane = paddedHeight * paddedWidth
        let taps = s.kernelHeight * s.kernelWidth
        let depth = s.inChannelsPerGroup * taps
        tapOffsets = .allocate(capacity: max(depth, 1))
        for k in 0..<depth {
            let channel = k / taps
            let ky = (k % taps) / s.kernelWidth
            let kx = k % s.kernelWidth
            tapOffsets[k] = channel * plane + ky * s.dilationHeight * paddedWidth + kx * s.dilationWidth
        }
        let pixels = s.outHeight * s.outWidth
        strips = (pixels + 15) / 16
        pixelOffsets = .allocate(capacity: max(strips * 16, 1))
        runSplit = .allocate(capacity: max(strips, 1))
        for n in 0..<(strips * 16) {
            let p = min(n, pixels - 1)
            let oy = p / s.outWidth, ox = p % s.outWidth
            pixelOffsets[n] = Int32(oy * s.strideHeight * paddedWidth + ox * s.strideWidth)
        }
        for strip in 0..<strips {
            let o = pixelOffsets + strip * 16
            var breaks: [Int] = []
            for j in 1..<16 where o[j] != o[j - 1] + 1 { breaks.append(j) }
            // A second run must start at or after where the first would continue (so the
            // first run's full-width read stays inside what the second run's read covers).
            if breaks.isEmpty {
                runSplit[strip] = 16
            } else if breaks.count == 1, o[breaks[0]] >= o[breaks[0] - 1] + 1,
                Int(o[breaks[0]]) >= breaks[0]
            {
                runSplit[strip] = Int32(breaks[0])
            } else {
                runSplit[strip] = 0
            }
        }
    }

    deinit {
        tapOffsets.deallocate()
        pixelOffsets.deallocate()
        runSplit.deallocate()
    }

    /// Floats of the zero-bordered copy of one image (all channels).
    func paddedFloats(channels: Int) -> Int {
        needsPaddedCopy ? channels * paddedHeight * paddedWidth : 0
    }

    /// Copies `channels` planes of `input` into `padded` with the zero border.
    func copyPadded(shape s: Conv2DShape, input: UnsafePointer<Float>, channels: Range<Int>, into padded: UnsafeMutablePointer<Float>) {
        let plane = paddedHeight * paddedWidth
        for c in channels {
            let dst = padded + c * plane
            let src = input + c * s.inHeight * s.inWidth
            // Top and bottom border rows, and each row's left / right border.
            dst.update(repeating: 0, count: s.padTop * paddedWidth)
            for y in 0..<s.inHeight {
                let row = dst + (s.padTop + y) * paddedWidth
                if s.padLeft > 0 { row.update(repeating: 0, count: s.padLeft) }
                (row + s.padLeft).update(from: src + y * s.inWidth, count: s.inWidth)
                if s.padRight > 0 { (row + s.padLeft + s.inWidth).update(repeating: 0, count: s.padRight) }
            }
            (dst + (s.padTop + s.inHeight) * paddedWidth).update(repeating: 0, count: s.padBottom * paddedWidth)
        }
    }

    /// Packs B rows [depthStart, +depthCount) × strips [firstStrip, +stripCount) from `image`
    /// (the zero-bordered copy, or the input itself) into `packed`: strip s holds depthCount
    /// rows of 16 floats.
    @inline(__always)
    func pack(
        image: UnsafePointer<Float>, depthStart: Int, depthCount: Int,
        firstStrip: Int, stripCount: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        for s in 0..<stripCount {
            let strip = firstStrip + s
            let offsets = pixelOffsets + strip * 16
            var dst = packed + s * depthCount * 16
            let split = Int(runSplit[strip])
            if split == 16 {
                let base = image + Int(offsets[0])
                for kk in 0..<depthCount {
                    let v = UnsafeRawPointer(base + tapOffsets[depthStart + kk]).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
                    dst += 16
                }
            } else if split > 0 {
                // Lane j < split from run 1 at offsets[0] + j; lane j >= split from run 2,
                // read starting `split` floats before its first element so lanes line up.
                let first = image + Int(offsets[0])
                let second = image + (Int(offsets[split]) - split)
                let fromSecond = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(split)
                for kk in 0..<depthCount {
                    let tap = tapOffsets[depthStart + kk]
                    let v1 = UnsafeRawPointer(first + tap).loadUnaligned(as: SIMD16<Float>.self)
                    let v2 = UnsafeRawPointer(second + tap).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst).storeBytes(of: v1.replacing(with: v2, where: fromSecond), as: SIMD16<Float>.self)
                    dst += 16
                }
            } else {
                for kk in 0..<depthCount {
                    let src = image + tapOffsets[depthStart + kk]
                    for j in 0..<16 { dst[j] = src[Int(offsets[j])] }
                    dst += 16
                }
            }
        }
    }
}
