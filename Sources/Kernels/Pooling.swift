/// Pooling kernels over NCHW float32 with ONNX semantics. Planes (image, channel) are split
/// over threads; padded taps are skipped (max) or counted per `countIncludePad` (average).
/// Stride-1 "same"-width windows (`FlatPlanePool`) and unpadded windows inside the input
/// (`UnpaddedPlanePool`) run as whole-plane passes, the rest row by row (`SeparablePool`).
public enum Pooling {
    /// ONNX `MaxPool` (values only). Padding never wins: only taps inside the input count.
    public static func maxPool2D(
        shape: Pool2DShape, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        if StrideTwoMaxPool.suits(shape) {
            StrideTwoMaxPool(shape: shape).run(input: input, output: output, threads: threads)
            return
        }
        if FlatPlanePool.suits(shape) {
            FlatPlanePool(shape: shape, maximum: true, countIncludePad: false).run(input: input, output: output, threads: threads)
            return
        }
        if UnpaddedPlanePool.suits(shape) {
            UnpaddedPlanePool(shape: shape, maximum: true).run(input: input, output: output, threads: threads)
            return
        }
        SeparablePool(shape: shape, maximum: true, countIncludePad: false)
            .run(input: input, output: output, threads: threads)
    }

    /// ONNX `AveragePool`. With `countIncludePad` the divisor counts taps inside the padded
    /// input (input plus pads, not the extra ceil_mode overhang); otherwise only taps inside
    /// the input.
    public static func averagePool2D(
        shape: Pool2DShape, countIncludePad: Bool,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        if FlatPlanePool.suits(shape) {
            FlatPlanePool(shape: shape, maximum: false, countIncludePad: countIncludePad)
                .run(input: input, output: output, threads: threads)
            return
        }
        if UnpaddedPlanePool.suits(shape) {
            // No padding: every window holds kh·kw input taps, whatever countIncludePad says.
            UnpaddedPlanePool(shape: shape, maximum: false).run(input: input, output: output, threads: threads)
            return
        }
        SeparablePool(shape: shape, maximum: false, countIncludePad: countIncludePad)
            .run(input: input, output: output, threads: threads)
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
}
