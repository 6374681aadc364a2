/// The one place that knows how a sliding window (conv kernel or pool) sizes its output along
/// one axis: ONNX's floor rule, `ceil_mode`'s rule that a last window starting in the end
/// padding is dropped, and the padding `auto_pad = SAME_*` (TensorFlow's `"same"`) asks for.
/// Kernels, Runtime, Blocks and the block mapper all call this instead of repeating it.
public enum WindowArithmetic {
    /// Output length along one axis; 0 when the window does not fit the padded input.
    public static func outputSize(input: Int, kernel: Int, stride: Int, dilation: Int = 1,
                                  padBegin: Int = 0, padEnd: Int = 0, ceilMode: Bool = false) -> Int {
        let span = input + padBegin + padEnd - dilation * (kernel - 1) - 1
        guard span >= 0, stride > 0 else { return 0 }
        var size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (size - 1) * stride >= input + padBegin { size -= 1 }
        return size
    }

    /// Padding (before, after) of `SAME_UPPER` (the odd cell after, TensorFlow's `"same"`) or
    /// `SAME_LOWER` (the odd cell before), for output = ceil(input / stride).
    public static func samePadding(input: Int, kernel: Int, stride: Int, dilation: Int = 1,
                                   upper: Bool = true) -> (begin: Int, end: Int) {
        let out = (input + stride - 1) / stride
        let total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0)
        return upper ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
    }
}
