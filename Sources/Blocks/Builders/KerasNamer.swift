/// Keras' automatic layer names (`conv2d`, `conv2d_1`, …): one counter per layer class,
/// shared by every chain of one network so names stay unique and deterministic.
public final class KerasNamer {
    private var counts: [String: Int] = [:]
    public init() {}

    public func next(_ base: String) -> String {
        let n = counts[base, default: 0]
        counts[base] = n + 1
        return n == 0 ? base : "\(base)_\(n)"
    }
}
