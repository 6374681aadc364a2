import Kernels

/// Height and width of a kernel, window, stride or dilation (NCHW's last two axes).
public struct Size2: Sendable, Hashable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }
    /// A square size.
    public init(_ side: Int) { self.init(side, side) }
    public static let one = Size2(1)
    public var isSquare: Bool { height == width }
    public var description: String { "\(height)x\(width)" }
}

/// Zero padding on the four sides of a feature map, in ONNX `pads` order for 2-D
/// (`[top, left, bottom, right]`).
public struct Padding: Sendable, Hashable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int
    public init(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }
    public static let zero = Padding()
    /// The same amount on every side.
    public init(all: Int) { self.init(top: all, left: all, bottom: all, right: all) }
    public var isZero: Bool { self == .zero }
    /// ONNX order: begins then ends.
    public var onnxPads: [Int] { [top, left, bottom, right] }

    /// What `auto_pad = SAME_UPPER` (TensorFlow `"same"`) or `SAME_LOWER` pads for this input.
    public static func same(input: FeatureShape, kernel: Size2, strides: Size2, dilations: Size2 = .one,
                            upper: Bool = true) -> Padding {
        let (t, b) = WindowArithmetic.samePadding(input: input.height, kernel: kernel.height, stride: strides.height,
                                                  dilation: dilations.height, upper: upper)
        let (l, r) = WindowArithmetic.samePadding(input: input.width, kernel: kernel.width, stride: strides.width,
                                                  dilation: dilations.width, upper: upper)
        return Padding(top: t, left: l, bottom: b, right: r)
    }

    public static func + (a: Padding, b: Padding) -> Padding {
        Padding(top: a.top + b.top, left: a.left + b.left, bottom: a.bottom + b.bottom, right: a.right + b.right)
    }
}

/// The shape of one feature map (per batch item), NCHW without N.
public struct FeatureShape: Sendable, Hashable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }
    public var elementCount: Int { channels * height * width }
    public var description: String { "\(channels)x\(height)x\(width)" }
}
