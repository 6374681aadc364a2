import Foundation

/// Cross-channel local response normalization (ONNX `LRN`; AlexNet, GoogLeNet):
/// `y = x / (bias + alpha / size · Σ x²)^beta`, the sum over `size` neighbouring channels.
public struct LocalResponseNorm: Sendable, Equatable {
    public var name: String
    public var size: Int
    public var alpha: Float
    public var beta: Float
    public var bias: Float

    public init(name: String, size: Int, alpha: Float = 1e-4, beta: Float = 0.75, bias: Float = 1) {
        self.name = name
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
    }

    /// ONNX's window: channels `c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉`, clipped to the map.
    public func forward(_ x: FeatureMap) -> FeatureMap {
        var out = x
        let channels = x.shape.channels, spatial = x.shape.height * x.shape.width
        let below = (size - 1) / 2, above = size - 1 - below
        x.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for n in 0..<x.batch {
                    let base = n * channels * spatial
                    for c in 0..<channels {
                        let lo = max(0, c - below), hi = min(channels - 1, c + above)
                        for p in 0..<spatial {
                            var sum: Float = 0
                            for k in lo...hi { let v = src[base + k * spatial + p]; sum += v * v }
                            let i = base + c * spatial + p
                            dst[i] = src[i] / Foundation.pow(bias + alpha / Float(size) * sum, beta)
                        }
                    }
                }
            }
        }
        return out
    }
}
