extension Conv2D {
    /// Packs B rows [depthStart, +depthCount) × pixels [pixelStart, +pixelCount) into
    /// 16-pixel strips (strip s holds depthCount rows of 16 floats), zero-padding the last
    /// strip. Row k of B is input channel k / (kH·kW) shifted by tap (ky, kx): im2col.
    func packColumns(
        input: UnsafePointer<Float>, pixelStart: Int, pixelCount: Int,
        depthStart: Int, depthCount: Int,
        into packed: UnsafeMutablePointer<Float>, rowBuffer: UnsafeMutablePointer<Float>
    ) {
        let s = shape
        let taps = s.kernelHeight * s.kernelWidth
        let plane = s.inHeight * s.inWidth
        let pointwise = s.isPointwise
        let strips = (pixelCount + 15) / 16
        for kk in 0..<depthCount {
            let k = depthStart + kk
            let channel = k / taps
            let source: UnsafePointer<Float>
            if pointwise {
                source = input + channel * plane + pixelStart
            } else {
                let tap = k - channel * taps
                fillRow(
                    channelPlane: input + channel * plane, ky: tap / s.kernelWidth, kx: tap % s.kernelWidth,
                    pixelStart: pixelStart, pixelCount: pixelCount, into: rowBuffer)
                source = UnsafePointer(rowBuffer)
            }
            var dst = packed + kk * 16
            let stripStride = depthCount * 16
            for strip in 0..<strips {
                let offset = strip * 16
                let count = pixelCount - offset
                if count >= 16 {
                    let v = UnsafeRawPointer(source + offset).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
                } else {
                    for j in 0..<16 { dst[j] = j < count ? source[offset + j] : 0 }
                }
                dst += stripStride
            }
        }
    }

    /// One im2col row: for output pixels [pixelStart, +pixelCount), the input value under tap
    /// (ky, kx) of one channel, or 0 where the tap falls in the padding.
    private func fillRow(
        channelPlane: UnsafePointer<Float>, ky: Int, kx: Int,
        pixelStart: Int, pixelCount: Int, into row: UnsafeMutablePointer<Float>
    ) {
        let s = shape
        let ow = s.outWidth
        var oy = pixelStart / ow
        var ox = pixelStart - oy * ow
        var j = 0
        let xOffset = kx * s.dilationWidth - s.padLeft
        let yOffset = ky * s.dilationHeight - s.padTop
        while j < pixelCount {
            let length = min(ow - ox, pixelCount - j)
            let iy = oy * s.strideHeight + yOffset
            let out = row + j
            if iy < 0 || iy >= s.inHeight {
                out.update(repeating: 0, count: length)
            } else {
                let inputRow = channelPlane + iy * s.inWidth
                let ix0 = ox * s.strideWidth + xOffset
                if s.strideWidth == 1 {
                    // Valid t: 0 <= ix0 + t < inWidth.
                    let lo = min(length, max(0, -ix0))
                    let hi = max(lo, min(length, s.inWidth - ix0))
                    if lo > 0 { out.update(repeating: 0, count: lo) }
                    if hi > lo { (out + lo).update(from: inputRow + ix0 + lo, count: hi - lo) }
                    if length > hi { (out + hi).update(repeating: 0, count: length - hi) }
                } else {
                    let sw = s.strideWidth
                    for t in 0..<length {
                        let ix = ix0 + t * sw
                        out[t] = (ix >= 0 && ix < s.inWidth) ? inputRow[ix] : 0
                    }
                }
            }
            j += length
            ox = 0
            oy += 1
        }
    }
}
