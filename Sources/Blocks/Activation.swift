/// A pointwise nonlinearity that follows a conv, a batch norm or an addition.
public enum Activation: String, Sendable, Hashable, Codable {
    case relu
    /// `min(max(x, 0), 6)` (MobileNetV2; exported as `Clip`).
    case relu6
}
