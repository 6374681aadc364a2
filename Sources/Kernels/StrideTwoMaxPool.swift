internal import CKernels
/// MaxPool 3×3, stride 2, padding of at most 1 on each side, every window inside the padded
/// input: the reductions' pools of Inception (71→35, 35→17, 17→8), ResNet's stem pool (Keras:
/// 114→56 after its explicit Pad; torchvision: 112→56 with pads 1). One pass per output row:
/// the column maxima of its three input rows into a row buffer (a padded row is left out, a
/// padded column is −∞), then each output the maximum of three neighbouring column maxima, 16
/// at a time from the buffer's even and odd positions. `SeparablePool` made three passes over
/// the row for the vertical maxima and split it into phase arrays before the horizontal one;
/// `UnpaddedPlanePool` computed every input position, four times the outputs.
struct StrideTwoMaxPool {
    let shape: Pool2DShape
    /// How far ahead of its reads (in floats) a row asks for the input: 8 KB, the next two to
    /// fourteen rows of a 147- to 17-wide plane. In a network the input comes from memory (the
    /// layer before wrote it out of L2); there the pass had taken twice its time on warm caches
    /// (Inception-V3's 147-wide pool 0.71 ms against 0.33). With `kernel-bench --cold` (all caches
    /// evicted), one Emerald Rapids core: 147-wide 0.97 → 0.71 ms, 71-wide 0.75 → 0.53, 35-wide
    /// 0.33 → 0.22, 17-wide 0.37 → 0.30; warm, even.
    static let prefetchDistance = 2048

    /// Any width: the column maxima of one output row (2·outWidth + 1 floats) are the only
    /// scratch. Inception's 147-wide stem map (64 planes, 5.5 MB) once kept `SeparablePool`, which
    /// measured 0.50 ms against this pass's 0.55–0.60 on a Zen 4 core (network profile); on an
    /// Emerald Rapids core this pass takes it in 0.41–0.49 ms against `SeparablePool`'s 0.87–0.94
    /// (`kernel-bench --filter "maxpool 3x3/2 64 @147"`, three alternations), and in the network
    /// ~1.1 → ~0.5 ms (see the README's eighteenth-session notes).
    static func suits(_ s: Pool2DShape) -> Bool {
        let pads = [s.padTop, s.padLeft, s.padBottom, s.padRight]
        return s.isValid && s.kernelHeight == 3 && s.kernelWidth == 3 && s.strideHeight == 2 && s.strideWidth == 2
            && s.dilationHeight == 1 && s.dilationWidth == 1 && pads.allSatisfy { (0...1).contains($0) }
            && s.inHeight >= 2 && s.inWidth >= 2
            && 2 * s.outHeight + 1 <= s.inHeight + s.padTop + s.padBottom
            && 2 * s.outWidth + 1 <= s.inWidth + s.padLeft + s.padRight
    }

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let s = shape
        let planes = s.batch * s.channels
        if planes == 0 || s.outHeight == 0 || s.outWidth == 0 { return }
        // Column maxima at 0 ... 2·outWidth, and slack for the last vector's loads.
        let columns = 2 * s.outWidth + 1
        Parallel.forEach(items: planes, threads: threads) { plane, _ in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: columns + 32) { buffer in
                let v = buffer.baseAddress!
                v.update(repeating: -.infinity, count: columns + 32)
                pool(plane: input + plane * s.inHeight * s.inWidth,
                     output: output + plane * s.outHeight * s.outWidth, columnMaxima: v, columns: columns)
            }
        }
    }

    private func pool(plane x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                      columnMaxima v: UnsafeMutablePointer<Float>, columns: Int) {
        let s = shape
        let w = s.inWidth, ow = s.outWidth
        // Buffer positions are padded columns: input columns sit at [left, end); the padded ones
        // around them (at most one a side) keep the −∞ `run` filled the buffer with.
        let left = s.padLeft, end = min(columns, left + w)
        for oy in 0..<s.outHeight {
            // Input rows 2·oy − padTop ... + 2; a padded one (above or below) repeats the middle
            // row, which is always inside (pads of at most 1), instead of taking part as −∞.
            let middle = 2 * oy + 1 - s.padTop
            let top = middle - 1 < 0 ? middle : middle - 1
            let bottom = middle + 1 >= s.inHeight ? middle : middle + 1
            let r0 = x + top * w - left, r1 = x + middle * w - left, r2 = x + bottom * w - left
            // The input this row reads anew (two rows), `prefetchDistance` floats further on: past
            // the plane's end, the next plane's (planes follow one another; a prefetch never faults).
            do {
                let from = x + (middle + 1) * w + Self.prefetchDistance
                var line = 0
                while line < 2 * w { ck_prefetch(from + line); line += 16 }
            }
            // Whole vectors; a last partial one is redone as the vector ending at the last column.
            var j = left
            while j < end {
                if j + 16 > end {
                    if end - left < 16 { break }
                    j = end - 16
                }
                let a = UnsafeRawPointer(r0 + j).loadUnaligned(as: SIMD16<Float>.self)
                let b = UnsafeRawPointer(r1 + j).loadUnaligned(as: SIMD16<Float>.self)
                let c = UnsafeRawPointer(r2 + j).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(v + j).storeBytes(of: lanewiseMax(lanewiseMax(a, b), c), as: SIMD16<Float>.self)
                j += 16
            }
            while j < end {
                var m = r0[j]
                if m < r1[j] { m = r1[j] }
                if m < r2[j] { m = r2[j] }
                v[j] = m
                j += 1
            }
            let out = output + oy * ow
            var ox = 0
            // Outputs ox ..< ox + 16 read column maxima 2·ox ... 2·ox + 32 (the loads one past,
            // into the buffer's slack); a last partial vector is redone as the one ending at ow.
            while ox < ow {
                if ox + 16 > ow {
                    if ow < 16 { break }
                    ox = ow - 16
                }
                let p = v + 2 * ox
                let a0 = UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
                let a1 = UnsafeRawPointer(p + 16).loadUnaligned(as: SIMD16<Float>.self)
                let b0 = UnsafeRawPointer(p + 2).loadUnaligned(as: SIMD16<Float>.self)
                let b1 = UnsafeRawPointer(p + 18).loadUnaligned(as: SIMD16<Float>.self)
                let left = SIMD16(lowHalf: a0.evenHalf, highHalf: a1.evenHalf)
                let middle = SIMD16(lowHalf: a0.oddHalf, highHalf: a1.oddHalf)
                let right = SIMD16(lowHalf: b0.evenHalf, highHalf: b1.evenHalf)
                UnsafeMutableRawPointer(out + ox).storeBytes(
                    of: lanewiseMax(lanewiseMax(left, middle), right), as: SIMD16<Float>.self)
                ox += 16
            }
            while ox < ow {
                var m = v[2 * ox]
                if m < v[2 * ox + 1] { m = v[2 * ox + 1] }
                if m < v[2 * ox + 2] { m = v[2 * ox + 2] }
                out[ox] = m
                ox += 1
            }
        }
    }
}
