/// Stride-1 pooling that keeps the input's width ("same" padding along x: padLeft + padRight =
/// kernelWidth − 1), as whole-plane vector passes.
///
/// Inception's AveragePool 3×3 / 1 runs on 35×35, 17×17 and 8×8 maps of hundreds of channels;
/// `SeparablePool` works row by row, and on rows of 17 or 8 floats its time goes to per-row setup
/// and scalar tails (onnxruntime ran these 5–15× faster). Here a plane is one flat vector:
/// - vertical pass: output row r combines input rows r − padTop + t; the rows whose taps all lie
///   inside the input form one contiguous run, so each tap is a single flat pass over all of them
///   (the few edge rows go row by row);
/// - horizontal pass: flat over the whole plane, a tap left of a row's start reading the previous
///   row's end; only the padLeft + padRight edge columns of each row are then recomputed;
/// - average: one flat multiply by the reciprocal divisors rows(r) · columns(c), made once per call.
struct FlatPlanePool {
    let shape: Pool2DShape
    let maximum: Bool
    let countIncludePad: Bool

    /// Stride 1, no dilation, the output as wide as the input, and every output row with at
    /// least one input row in its window.
    static func suits(_ s: Pool2DShape) -> Bool {
        s.isValid && s.strideHeight == 1 && s.strideWidth == 1 && s.dilationHeight == 1 && s.dilationWidth == 1
            && s.padLeft + s.padRight == s.kernelWidth - 1 && s.padTop < s.kernelHeight && s.padBottom < s.kernelHeight
            && s.outWidth == s.inWidth && s.outHeight == s.inHeight + s.padTop + s.padBottom - s.kernelHeight + 1
    }

    private var identity: Float { maximum ? -.infinity : 0 }

    /// An output column within padLeft of a row's start or padRight of its end, and the
    /// columns [lo, hi) of its window that lie inside the row.
    struct EdgeColumn {
        var column: Int
        var lo: Int
        var hi: Int
    }

    /// The edge columns, the same in every row.
    private var edgeColumns: [EdgeColumn] {
        let w = shape.inWidth, pl = shape.padLeft
        let right = max(min(pl, w), w - shape.padRight)
        return (Array(0..<min(pl, w)) + Array(right..<w)).map {
            EdgeColumn(column: $0, lo: max(0, $0 - pl), hi: min(w, $0 - pl + shape.kernelWidth))
        }
    }

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let s = shape
        let planes = s.batch * s.channels
        if planes == 0 { return }
        let outPlane = s.outHeight * s.outWidth
        let edges = edgeColumns
        let workers = Parallel.workerCount(items: planes, threads: threads)
        let perWorker = (planes + workers - 1) / workers
        // Vertical sums with a margin of padLeft before and padRight (+ a vector) after.
        let rowsFloats = s.padLeft + outPlane + s.padRight + 16
        Parallel.forEach(items: workers, threads: workers) { worker, _ in
            let start = worker * perWorker
            let end = min(planes, start + perWorker)
            if start >= end { return }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rowsFloats + (maximum ? 0 : outPlane)) { scratch in
                let buffer = scratch.baseAddress!
                buffer.update(repeating: identity, count: rowsFloats)
                let vertical = buffer + s.padLeft
                let reciprocals = buffer + rowsFloats
                if !maximum { fillReciprocals(reciprocals) }
                for plane in start..<end {
                    pool(
                        plane: input + plane * s.inHeight * s.inWidth, output: output + plane * outPlane,
                        vertical: vertical, reciprocals: reciprocals, edges: edges)
                }
            }
        }
    }

    /// 1 / divisor for every output position: rows(r) · columns(c) taps, counted inside the
    /// input, or inside the padded input with `countIncludePad`.
    private func fillReciprocals(_ r: UnsafeMutablePointer<Float>) {
        let s = shape
        for oy in 0..<s.outHeight {
            let rows = countIncludePad
                ? Pooling.tapRange(base: oy - s.padTop, dilation: 1, kernel: s.kernelHeight, low: -s.padTop, high: s.inHeight + s.padBottom).count
                : Pooling.tapRange(base: oy - s.padTop, dilation: 1, kernel: s.kernelHeight, low: 0, high: s.inHeight).count
            for ox in 0..<s.outWidth {
                let columns = countIncludePad
                    ? Pooling.tapRange(base: ox - s.padLeft, dilation: 1, kernel: s.kernelWidth, low: -s.padLeft, high: s.inWidth + s.padRight).count
                    : Pooling.tapRange(base: ox - s.padLeft, dilation: 1, kernel: s.kernelWidth, low: 0, high: s.inWidth).count
                r[oy * s.outWidth + ox] = 1 / Float(rows * columns)
            }
        }
    }

    private func pool(
        plane: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        vertical v: UnsafeMutablePointer<Float>, reciprocals: UnsafePointer<Float>, edges: [EdgeColumn]
    ) {
        let s = shape
        let w = s.inWidth, kh = s.kernelHeight
        let outHeight = s.outHeight
        let count = outHeight * w
        // Output rows [lo, hi) have all kh input rows inside the input.
        let lo = min(s.padTop, outHeight)
        let hi = max(lo, min(outHeight, s.inHeight - kh + 1 + s.padTop))
        if hi > lo {
            combineRows(plane + (lo - s.padTop) * w, rows: kh, stride: w, into: v + lo * w, count: (hi - lo) * w)
        }
        for oy in 0..<outHeight where oy < lo || oy >= hi {
            let rows = Pooling.tapRange(base: oy - s.padTop, dilation: 1, kernel: kh, low: 0, high: s.inHeight)
            combineRows(plane + (oy - s.padTop + rows.lowerBound) * w, rows: rows.count, stride: w, into: v + oy * w, count: w)
        }
        horizontal(v - s.padLeft, reciprocals: reciprocals, output: output, count: count)
        // Edge columns: the flat pass read the neighbouring rows there.
        if !edges.isEmpty {
            for oy in 0..<outHeight {
                let row = v + oy * w
                let out = output + oy * w
                for t in edges {
                    var acc = row[t.lo]
                    if maximum {
                        for x in (t.lo + 1)..<t.hi { acc = max(acc, row[x]) }
                        out[t.column] = acc
                    } else {
                        for x in (t.lo + 1)..<t.hi { acc += row[x] }
                        out[t.column] = acc * reciprocals[oy * w + t.column]
                    }
                }
            }
        }
    }

    /// out[i] = combine over t < rows of x[t·stride + i], for i < count.
    @inline(__always)
    private func combineRows(_ x: UnsafePointer<Float>, rows: Int, stride: Int, into out: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            var acc = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            for t in 1..<max(rows, 1) {
                let b = UnsafeRawPointer(x + t * stride + i).loadUnaligned(as: SIMD16<Float>.self)
                acc = maximum ? lanewiseMax(acc, b) : acc + b
            }
            UnsafeMutableRawPointer(out + i).storeBytes(of: acc, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            var acc = x[i]
            for t in 1..<max(rows, 1) { acc = maximum ? max(acc, x[t * stride + i]) : acc + x[t * stride + i] }
            out[i] = acc
            i += 1
        }
    }

    /// out[i] = combine over kx of row[i + kx] (times the reciprocal divisor for averages), flat
    /// over `count` positions (`row` starts padLeft before the vertical sums).
    @inline(__always)
    private func horizontal(_ row: UnsafePointer<Float>, reciprocals: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
        let kw = shape.kernelWidth
        var i = 0
        while i + 16 <= count {
            var acc = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<Float>.self)
            for kx in 1..<max(kw, 1) {
                let x = UnsafeRawPointer(row + i + kx).loadUnaligned(as: SIMD16<Float>.self)
                acc = maximum ? lanewiseMax(acc, x) : acc + x
            }
            if !maximum { acc *= UnsafeRawPointer(reciprocals + i).loadUnaligned(as: SIMD16<Float>.self) }
            UnsafeMutableRawPointer(output + i).storeBytes(of: acc, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            var acc = row[i]
            for kx in 1..<max(kw, 1) { acc = maximum ? max(acc, row[i + kx]) : acc + row[i + kx] }
            output[i] = maximum ? acc : acc * reciprocals[i]
            i += 1
        }
    }
}
