/// Pooling kernels over NCHW float32 with ONNX semantics. Planes (image, channel) are split
/// over threads; padded taps are skipped (max) or counted per `countIncludePad` (average).
public enum Pooling {
    /// ONNX `MaxPool` (values only). Padding never wins: only taps inside the input count.
    public static func maxPool2D(
        shape: Pool2DShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        forEachPlane(shape: shape, threads: threads) { plane in
            let src = input + plane * shape.inHeight * shape.inWidth
            let dst = output + plane * shape.outHeight * shape.outWidth
            poolPlane(shape: shape, source: src, destination: dst, initial: -Float.infinity) { acc, x in
                max(acc, x)
            } finish: { acc, _, _ in
                acc
            }
        }
    }

    /// ONNX `AveragePool`. With `countIncludePad` the divisor counts taps inside the padded
    /// input (input plus pads, not the extra ceil_mode overhang); otherwise only taps inside
    /// the input.
    public static func averagePool2D(
        shape: Pool2DShape, countIncludePad: Bool,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        forEachPlane(shape: shape, threads: threads) { plane in
            let src = input + plane * shape.inHeight * shape.inWidth
            let dst = output + plane * shape.outHeight * shape.outWidth
            poolPlane(shape: shape, source: src, destination: dst, initial: 0) { acc, x in
                acc + x
            } finish: { acc, inside, padded in
                acc / Float(countIncludePad ? padded : inside)
            }
        }
    }

    /// ONNX `GlobalAveragePool`: mean over each plane of `spatial` values.
    public static func globalAveragePool(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, planes: Int, spatial: Int
    ) {
        for p in 0..<planes {
            output[p] = Reduce.sum(input + p * spatial, count: spatial) / Float(spatial)
        }
    }

    /// ONNX `GlobalMaxPool`: maximum over each plane of `spatial` values.
    public static func globalMaxPool(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, planes: Int, spatial: Int
    ) {
        for p in 0..<planes {
            output[p] = Reduce.maximum(input + p * spatial, count: spatial)
        }
    }

    private static func forEachPlane(shape: Pool2DShape, threads: Int, _ body: (Int) -> Void) {
        let planes = shape.batch * shape.channels
        let workers = Parallel.workerCount(items: planes, threads: threads)
        let perWorker = (planes + workers - 1) / max(workers, 1)
        Parallel.forEach(items: workers, threads: workers) { chunk, _ in
            let start = chunk * perWorker
            let end = min(planes, start + perWorker)
            if start < end {
                for plane in start..<end { body(plane) }
            }
        }
    }

    /// Valid tap indices t (position = base + t·dilation) inside [low, high).
    @inline(__always)
    static func tapRange(base: Int, dilation: Int, kernel: Int, low: Int, high: Int) -> Range<Int> {
        // Smallest t with base + t·d >= low; largest t with base + t·d < high.
        var first = 0
        if base < low { first = (low - base + dilation - 1) / dilation }
        var end = kernel
        if base + (kernel - 1) * dilation >= high {
            end = high - base <= 0 ? 0 : (high - base + dilation - 1) / dilation
        }
        return min(first, kernel)..<max(min(first, kernel), min(end, kernel))
    }

    @inline(__always)
    private static func poolPlane(
        shape s: Pool2DShape, source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>,
        initial: Float, combine: (Float, Float) -> Float, finish: (Float, Int, Int) -> Float
    ) {
        let ow = s.outWidth
        for oy in 0..<s.outHeight {
            let by = oy * s.strideHeight - s.padTop
            let rows = tapRange(base: by, dilation: s.dilationHeight, kernel: s.kernelHeight, low: 0, high: s.inHeight)
            let paddedRows = tapRange(
                base: by, dilation: s.dilationHeight, kernel: s.kernelHeight,
                low: -s.padTop, high: s.inHeight + s.padBottom).count
            for ox in 0..<ow {
                let bx = ox * s.strideWidth - s.padLeft
                let cols = tapRange(base: bx, dilation: s.dilationWidth, kernel: s.kernelWidth, low: 0, high: s.inWidth)
                let paddedCols = tapRange(
                    base: bx, dilation: s.dilationWidth, kernel: s.kernelWidth,
                    low: -s.padLeft, high: s.inWidth + s.padRight).count
                var acc = initial
                for ty in rows {
                    let row = source + (by + ty * s.dilationHeight) * s.inWidth + bx
                    for tx in cols {
                        acc = combine(acc, row[tx * s.dilationWidth])
                    }
                }
                destination[oy * ow + ox] = finish(acc, rows.count * cols.count, paddedRows * paddedCols)
            }
        }
    }
}
