import Kernels
import Testing

/// The shared window arithmetic against onnxruntime 1.32's `MaxPool` output sizes (one spatial
/// axis; ONNX's own shape inference misses ceil mode's last-window rule, onnxruntime applies it)
/// and TensorFlow's documented "same" padding (output ceil(n / s), the odd cell after).
struct WindowArithmeticTests {
    // (input, kernel, stride, pad begin, pad end, ceil mode) → onnxruntime's output size.
    static let pools: [((Int, Int, Int, Int, Int, Bool), Int)] = [
        ((5, 2, 2, 1, 1, true), 3),      // the last window would start in the end padding: dropped
        ((14, 2, 2, 0, 1, true), 7),     // likewise
        ((6, 3, 2, 1, 1, true), 4),
        ((112, 3, 2, 0, 0, true), 56),   // GoogLeNet's ceil-mode max-pools
        ((13, 3, 2, 0, 0, true), 6),
        ((7, 2, 2, 0, 0, true), 4),
        ((10, 3, 3, 0, 0, true), 4),
        ((224, 7, 2, 3, 3, false), 112), // ResNet's stem conv
    ]

    @Test(arguments: pools)
    func outputSizeMatchesOnnxruntime(_ c: (Int, Int, Int, Int, Int, Bool), _ expected: Int) {
        #expect(WindowArithmetic.outputSize(input: c.0, kernel: c.1, stride: c.2, padBegin: c.3, padEnd: c.4, ceilMode: c.5) == expected)
    }

    @Test func samePaddingPutsTheOddCellAfter() {
        #expect(WindowArithmetic.samePadding(input: 224, kernel: 7, stride: 2) == (2, 3))
        #expect(WindowArithmetic.samePadding(input: 224, kernel: 7, stride: 2, upper: false) == (3, 2))
        #expect(WindowArithmetic.samePadding(input: 5, kernel: 3, stride: 2) == (1, 1))
        #expect(WindowArithmetic.samePadding(input: 8, kernel: 1, stride: 2) == (0, 0))
        #expect(WindowArithmetic.samePadding(input: 9, kernel: 3, stride: 1, dilation: 2) == (2, 2))
    }

    @Test func aWindowLargerThanThePaddedInputGivesNothing() {
        #expect(WindowArithmetic.outputSize(input: 2, kernel: 5, stride: 1) == 0)
    }
}
