/// Layers between two blocks that belong to neither: GoogLeNet's max-pools between stages
/// (3b → 4a, 4e → 5a), or any other run of pools and normalizations. Explicit structure, so
/// that stages, shapes and the round trip stay right.
public struct Transition: Sendable, Equatable {
    public var name: String
    public var layers: [Layer]

    public init(name: String, layers: [Layer]) {
        self.name = name
        self.layers = layers
    }

    /// `max-pool` / `average-pool` for a single pool; `layers` otherwise.
    public var variant: String {
        let kept = layers.filter { if case .activation = $0 { return false }; return true }
        if kept.count == 1, case .pool(let p) = kept[0] { return p.kind == .max ? "max-pool" : "average-pool" }
        return "layers"
    }

    public var stride: Int { Layer.stride(of: layers) }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: layers, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: layers) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: layers, for: input) }
}
