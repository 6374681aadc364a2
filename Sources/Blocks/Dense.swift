/// A fully connected layer `y = x · W + b` (Keras `Dense`; ONNX `MatMul` + `Add` or `Gemm`).
public struct Dense: Sendable, Equatable {
    public var name: String
    public var inputFeatures: Int
    public var outputFeatures: Int
    /// Row-major `inputFeatures × outputFeatures` (Keras' kernel layout; ONNX `MatMul`'s B).
    public var weights: [Float]
    public var bias: [Float]?

    public init(name: String, inputFeatures: Int, outputFeatures: Int, weights: [Float] = [], bias: [Float]? = nil) {
        self.name = name
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.weights = weights
        self.bias = bias
    }
    public var parameterCount: Int { inputFeatures * outputFeatures + (bias == nil ? 0 : outputFeatures) }
}
