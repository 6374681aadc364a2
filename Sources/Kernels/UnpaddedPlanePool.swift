/// Pooling without padding whose windows all lie inside the input (any stride, no dilation):
/// the reductions' MaxPool 3×3 / 2 of Inception (147→73, 71→35, 35→17, 17→8).
///
/// `SeparablePool` works row by row; on rows of 17 or 35 floats its time goes to per-row setup,
/// the even/odd split and scalar tails. Here the two passes run flat over the whole plane, at
/// every input position (a stride of s computes s² times the positions needed, in full
/// vectors), and the output gathers every s-th of them:
/// - vertical: v[i] = combine over t < kh of x[i + t·W], for the rows that start a window;
/// - horizontal, in place: v[i] = combine over t < kw of v[i + t] (a window never crosses a
///   row's end, so positions that do are never gathered);
/// - output (oy, ox) = v[oy·sh·W + ox·sw], times 1 / (kh·kw) for averages.
struct UnpaddedPlanePool {
    let shape: Pool2DShape
    let maximum: Bool

    /// No padding, no dilation, every window inside the input (ceil_mode adds none here), and
    /// rows short enough that per-row work outweighs the s² extra positions (measured: 17- and
    /// 35-wide maps gain 1.4–1.9×, a 147-wide one loses 1.4×).
    static func suits(_ s: Pool2DShape) -> Bool {
        s.isValid && (s.inWidth < 48 || s.strideHeight * s.strideWidth == 1) && s.padTop == 0 && s.padLeft == 0 && s.padBottom == 0 && s.padRight == 0
            && s.dilationHeight == 1 && s.dilationWidth == 1
            && (s.outHeight - 1) * s.strideHeight + s.kernelHeight <= s.inHeight
            && (s.outWidth - 1) * s.strideWidth + s.kernelWidth <= s.inWidth
    }

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let s = shape
        let planes = s.batch * s.channels
        if planes == 0 { return }
        let workers = Parallel.workerCount(items: planes, threads: threads)
        let perWorker = (planes + workers - 1) / workers
        let rows = (s.outHeight - 1) * s.strideHeight + 1
        let count = rows * s.inWidth
        Parallel.forEach(items: workers, threads: workers) { worker, _ in
            let start = worker * perWorker
            let end = min(planes, start + perWorker)
            if start >= end { return }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { scratch in
                for plane in start..<end {
                    pool(plane: input + plane * s.inHeight * s.inWidth,
                         output: output + plane * s.outHeight * s.outWidth, buffer: scratch.baseAddress!, count: count)
                }
            }
        }
    }

    private func pool(plane x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, buffer v: UnsafeMutablePointer<Float>, count: Int) {
        let s = shape
        let w = s.inWidth, kh = s.kernelHeight, kw = s.kernelWidth
        // Vertical pass over `count` positions (reads end at row rows - 1 + kh - 1 < inHeight).
        var i = 0
        while i + 16 <= count {
            var acc = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            for t in 1..<max(kh, 1) {
                let b = UnsafeRawPointer(x + i + t * w).loadUnaligned(as: SIMD16<Float>.self)
                acc = maximum ? lanewiseMax(acc, b) : acc + b
            }
            UnsafeMutableRawPointer(v + i).storeBytes(of: acc, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            var acc = x[i]
            for t in 1..<max(kh, 1) { acc = maximum ? max(acc, x[i + t * w]) : acc + x[i + t * w] }
            v[i] = acc
            i += 1
        }
        // Horizontal pass, in place: position i reads i..<i + kw, which later positions have not
        // overwritten yet (each vector is loaded before its own store).
        let n = count - kw + 1
        i = 0
        while i + 16 <= n {
            var acc = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD16<Float>.self)
            for t in 1..<max(kw, 1) {
                let b = UnsafeRawPointer(v + i + t).loadUnaligned(as: SIMD16<Float>.self)
                acc = maximum ? lanewiseMax(acc, b) : acc + b
            }
            UnsafeMutableRawPointer(v + i).storeBytes(of: acc, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            var acc = v[i]
            for t in 1..<max(kw, 1) { acc = maximum ? max(acc, v[i + t]) : acc + v[i + t] }
            v[i] = acc
            i += 1
        }
        // Gather every stride-th position.
        let scale: Float = maximum ? 1 : 1 / Float(kh * kw)
        let sh = s.strideHeight, sw = s.strideWidth, ow = s.outWidth
        for oy in 0..<s.outHeight {
            let row = v + oy * sh * w
            let out = output + oy * ow
            if maximum {
                for ox in 0..<ow { out[ox] = row[ox * sw] }
            } else {
                for ox in 0..<ow { out[ox] = row[ox * sw] * scale }
            }
        }
    }
}
