/// An Inception module: parallel branches on one input, concatenated on channels
/// (Inception-V3 mixed blocks, Inception-V4 A/B/C; Szegedy et al. 2015, 2016).
public struct InceptionModule: Sendable, Equatable {
    /// Which paper's module the branches match (GoogLeNet, Inception-V3, V4), or a generic one.
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        case v3a = "v3-a", v3b = "v3-b", v3c = "v3-c"
        case v4a = "v4-a", v4b = "v4-b", v4c = "v4-c"
        /// GoogLeNet: 1×1 | 1×1→3×3 | 1×1→5×5 | 3×3 max-pool→1×1 (Szegedy et al. 2014, fig. 2b).
        case v1
        /// BN-Inception: 1×1 | 1×1→3×3 | 1×1→3×3→3×3 | pool→1×1 (Ioffe & Szegedy 2015, fig. 5).
        case bn
        /// Parallel branches that match no known module's exact signature.
        case generic
    }
    public var name: String
    public var variant: Variant
    /// Each branch is a chain; a branch may end in a nested `concat` (V3-C, V4-C).
    public var branches: [[Layer]]
    /// The name of the concatenation (Keras: `mixed5`).
    public var concatName: String

    public init(name: String, variant: Variant, branches: [[Layer]], concatName: String? = nil) {
        self.name = name
        self.variant = variant
        self.branches = branches
        self.concatName = concatName ?? name
    }

    public var body: [Layer] { [.concat(name: concatName, branches: branches)] }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: body, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: body) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: body, for: input) }
}
