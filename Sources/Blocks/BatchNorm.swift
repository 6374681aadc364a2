/// Inference-mode batch normalization over channels:
/// `y = gamma · (x − mean) / sqrt(variance + epsilon) + beta`.
///
/// A per-channel affine `y = scale · x + shift` (what exporters leave as `Mul` + `Add`) is held
/// exactly as `gamma = scale, beta = shift, mean = 0, variance = 1, epsilon = 0`.
public struct BatchNorm: Sendable, Equatable {
    public var name: String
    public var channels: Int
    public var gamma: [Float]
    public var beta: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var epsilon: Float
    /// True when this came from (or should be written as) a plain per-channel `Mul` + `Add`.
    public var isAffine: Bool

    public init(name: String, channels: Int, gamma: [Float] = [], beta: [Float] = [],
                mean: [Float] = [], variance: [Float] = [], epsilon: Float = 1e-3, isAffine: Bool = false) {
        self.name = name
        self.channels = channels
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
        self.isAffine = isAffine
    }

    /// A per-channel affine map kept exactly (see the type's comment).
    public static func affine(name: String, scale: [Float], shift: [Float]) -> BatchNorm {
        BatchNorm(name: name, channels: scale.count, gamma: scale, beta: shift,
                  mean: [Float](repeating: 0, count: scale.count),
                  variance: [Float](repeating: 1, count: scale.count), epsilon: 0, isAffine: true)
    }

    public var hasWeights: Bool { !gamma.isEmpty }

    /// The equivalent per-channel `scale` and `shift`.
    public var scaleAndShift: (scale: [Float], shift: [Float]) {
        if isAffine { return (gamma, beta) }
        var scale = [Float](repeating: 1, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let g = gamma.isEmpty ? 1 : gamma[c]
            let b = beta.isEmpty ? 0 : beta[c]
            let m = mean.isEmpty ? 0 : mean[c]
            let v = variance.isEmpty ? 1 : variance[c]
            let s = g / (v + epsilon).squareRoot()
            scale[c] = s
            shift[c] = b - m * s
        }
        return (scale, shift)
    }

    /// Keras counts gamma, beta, moving mean and moving variance.
    public var parameterCount: Int { isAffine ? 2 * channels : 4 * channels }
}
