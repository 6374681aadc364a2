/// How `ONNXEmitter` writes a network.
public struct EmitterOptions: Sendable, Equatable {
    /// Default ONNX opset; 17 is what current exporters write and every runtime reads.
    public static let defaultOpset = 17
    /// Opsets whose definitions of every emitted operator we know (Pad with `pads` as input,
    /// Softmax on one axis: 13 onwards).
    public static let supportedOpsets = 13...28

    public var opset: Int = defaultOpset
    /// Fold each BatchNorm that directly follows a conv into the conv's kernel and bias; a
    /// BatchNorm that follows anything else becomes a per-channel `Mul` + `Add`.
    public var foldBatchNorm: Bool = false
    /// Bake an Inception-ResNet residual scale into the up-projection's kernel and bias
    /// instead of an explicit `Mul`.
    public var foldResidualScale: Bool = false
    /// Name of the symbolic batch dimension of the input and output.
    public var batchDimension: String = "batch"

    public init(opset: Int = defaultOpset, foldBatchNorm: Bool = false, foldResidualScale: Bool = false,
                batchDimension: String = "batch") {
        self.opset = opset
        self.foldBatchNorm = foldBatchNorm
        self.foldResidualScale = foldResidualScale
        self.batchDimension = batchDimension
    }

    /// The IR version that goes with an opset (onnx's release table).
    public static func irVersion(forOpset opset: Int) -> Int64 {
        switch opset {
        case ...14: return 7
        case 15...18: return 8
        case 19...20: return 9
        case 21...22: return 10
        case 23: return 11
        case 24: return 12
        case 25...27: return 13
        default: return 14
        }
    }
}
