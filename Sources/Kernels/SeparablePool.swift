/// Max and average pooling as two separable passes per output row: a vertical pass combines
/// the window's valid input rows into a row buffer (vectorized along x), then a horizontal
/// pass combines the window's columns from that buffer (vectorized along x for stride 1).
/// The buffer carries a border of the combine's identity (-inf for max, 0 for sums), so
/// padded and ceil_mode overhang taps need no tests. Average divisors factor the same way:
/// count(oy, ox) = rows(oy) · columns(ox).
struct SeparablePool {
    let shape: Pool2DShape
    let maximum: Bool
    let countIncludePad: Bool

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let s = shape
        let planes = s.batch * s.channels
        if planes == 0 { return }
        let workers = Parallel.workerCount(items: planes, threads: threads)
        let perWorker = (planes + workers - 1) / workers
        // Buffer index i holds input column i - padLeft; it spans every tap of every window.
        let span = max(s.padLeft + s.inWidth, (s.outWidth - 1) * s.strideWidth + (s.kernelWidth - 1) * s.dilationWidth + 1)
        Parallel.forEach(items: workers, threads: workers) { worker, _ in
            let start = worker * perWorker
            let end = min(planes, start + perWorker)
            if start >= end { return }
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * span + 64 + s.outWidth) { scratch in
                let row = scratch.baseAddress!
                let columnCounts = row + span + 16
                let phases = columnCounts + s.outWidth
                row.update(repeating: maximum ? -.infinity : 0, count: span + 16)
                phases.update(repeating: maximum ? -.infinity : 0, count: span + 48)
                for ox in 0..<s.outWidth {
                    columnCounts[ox] = 1 / Float(columnCount(ox))
                }
                for plane in start..<end {
                    pool(
                        plane: input + plane * s.inHeight * s.inWidth,
                        output: output + plane * s.outHeight * s.outWidth,
                        row: row, phases: phases, columnCounts: columnCounts)
                }
            }
        }
    }

    private func columnCount(_ ox: Int) -> Int {
        let s = shape
        let bx = ox * s.strideWidth - s.padLeft
        if countIncludePad {
            return Pooling.tapRange(
                base: bx, dilation: s.dilationWidth, kernel: s.kernelWidth, low: -s.padLeft,
                high: s.inWidth + s.padRight).count
        }
        return Pooling.tapRange(base: bx, dilation: s.dilationWidth, kernel: s.kernelWidth, low: 0, high: s.inWidth).count
    }

    private func pool(
        plane: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        row: UnsafeMutablePointer<Float>, phases: UnsafeMutablePointer<Float>, columnCounts: UnsafePointer<Float>
    ) {
        let s = shape
        let width = s.inWidth
        let inner = row + s.padLeft
        for oy in 0..<s.outHeight {
            let by = oy * s.strideHeight - s.padTop
            let rows = Pooling.tapRange(base: by, dilation: s.dilationHeight, kernel: s.kernelHeight, low: 0, high: s.inHeight)
            // Vertical pass into inner[0..<width].
            if rows.isEmpty {
                inner.update(repeating: maximum ? -.infinity : 0, count: width)
            } else {
                let firstRow = plane + (by + rows.lowerBound * s.dilationHeight) * width
                inner.update(from: firstRow, count: width)
                for t in rows.dropFirst() {
                    combine(into: inner, plane + (by + t * s.dilationHeight) * width, count: width)
                }
            }
            let out = output + oy * s.outWidth
            if s.strideWidth == 2 {
                horizontalStride2(row: row, phases: phases, output: out)
            } else {
                horizontal(row: row, output: out)
            }
            if !maximum {
                let rowCount: Int
                if countIncludePad {
                    rowCount = Pooling.tapRange(
                        base: by, dilation: s.dilationHeight, kernel: s.kernelHeight, low: -s.padTop,
                        high: s.inHeight + s.padBottom).count
                } else {
                    rowCount = rows.count
                }
                // columnCounts holds reciprocals.
                let scale = 1 / Float(rowCount)
                var ox = 0
                while ox + 16 <= s.outWidth {
                    let inverse = UnsafeRawPointer(columnCounts + ox).loadUnaligned(as: SIMD16<Float>.self)
                    let v = UnsafeRawPointer(out + ox).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: v * (inverse * scale), as: SIMD16<Float>.self)
                    ox += 16
                }
                while ox < s.outWidth {
                    out[ox] *= scale * columnCounts[ox]
                    ox += 1
                }
            }
        }
    }

    /// acc[i] = combine(acc[i], x[i]).
    @inline(__always)
    private func combine(into acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let a = UnsafeRawPointer(acc + i).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(acc + i).storeBytes(of: maximum ? lanewiseMax(a, b) : a + b, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            acc[i] = maximum ? max(acc[i], x[i]) : acc[i] + x[i]
            i += 1
        }
    }

    /// Stride 2: split the row buffer into even and odd positions, then every tap is a
    /// contiguous, vectorizable read: position 2·ox + d is even[ox + d/2] or odd[ox + (d-1)/2].
    @inline(__always)
    private func horizontalStride2(row: UnsafePointer<Float>, phases: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let s = shape
        let dw = s.dilationWidth, kw = s.kernelWidth
        let needed = (s.outWidth - 1) * 2 + (kw - 1) * dw + 1
        let half = (needed + 1) / 2
        let halfStride = half + 16
        let even = phases, odd = phases + halfStride
        var i = 0
        while 2 * i < needed {
            if 2 * i + 16 <= needed + 1 && i + 8 <= half {
                let v = UnsafeRawPointer(row + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(even + i).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(odd + i).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
                i += 8
            } else {
                even[i] = row[2 * i]
                odd[i] = row[2 * i + 1]
                i += 1
            }
        }
        var ox = 0
        while ox + 16 <= s.outWidth {
            var acc = UnsafeRawPointer(even + ox).loadUnaligned(as: SIMD16<Float>.self)
            for kx in 1..<max(kw, 1) {
                let d = kx * dw
                let source = d % 2 == 0 ? even + ox + d / 2 : odd + ox + (d - 1) / 2
                let v = UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
                acc = maximum ? lanewiseMax(acc, v) : acc + v
            }
            UnsafeMutableRawPointer(output + ox).storeBytes(of: acc, as: SIMD16<Float>.self)
            ox += 16
        }
        while ox < s.outWidth {
            var acc = even[ox]
            for kx in 1..<max(kw, 1) {
                let d = kx * dw
                let v = d % 2 == 0 ? even[ox + d / 2] : odd[ox + (d - 1) / 2]
                acc = maximum ? max(acc, v) : acc + v
            }
            output[ox] = acc
            ox += 1
        }
    }

    /// out[ox] = combine over kx of row[ox·strideW + kx·dilationW].
    @inline(__always)
    private func horizontal(row: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let s = shape
        let sw = s.strideWidth, dw = s.dilationWidth, kw = s.kernelWidth
        var ox = 0
        if sw == 1 {
            while ox + 16 <= s.outWidth {
                var acc = UnsafeRawPointer(row + ox).loadUnaligned(as: SIMD16<Float>.self)
                for kx in 1..<max(kw, 1) {
                    let v = UnsafeRawPointer(row + ox + kx * dw).loadUnaligned(as: SIMD16<Float>.self)
                    acc = maximum ? lanewiseMax(acc, v) : acc + v
                }
                UnsafeMutableRawPointer(output + ox).storeBytes(of: acc, as: SIMD16<Float>.self)
                ox += 16
            }
        }
        while ox < s.outWidth {
            let base = row + ox * sw
            var acc = base[0]
            for kx in 1..<max(kw, 1) {
                let v = base[kx * dw]
                acc = maximum ? max(acc, v) : acc + v
            }
            output[ox] = acc
            ox += 1
        }
    }
}
