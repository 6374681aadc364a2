/// A grid-size reduction: strided branches (convs and a pool) concatenated on channels.
/// Inception-V4 Reduction-A is parameterized by the filter counts `k, l, m, n`
/// (Szegedy et al. 2016, fig. 7 and table 1).
public struct ReductionModule: Sendable, Equatable {
    /// Which paper's reduction module (Inception-V3, V4, Inception-ResNet), or a generic one.
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        case a
        case v3a = "v3-a", v3b = "v3-b"
        case v4b = "v4-b"
        case inceptionResNetV1B = "inception-resnet-v1-b"
        case inceptionResNetV2B = "inception-resnet-v2-b"
        /// BN-Inception's 3c / 4e: 1×1→3×3/2 | 1×1→3×3→3×3/2 | 3×3/2 max-pool (pass-through).
        case bn
        /// Strided branches that match no known reduction's exact signature.
        case generic
    }
    /// Filter counts of Reduction-A: 1×1 `k` → 3×3 `l` → 3×3/2 `m` beside a 3×3/2 `n`.
    public struct FilterCounts: Sendable, Hashable {
        public var k: Int, l: Int, m: Int, n: Int
        public init(k: Int, l: Int, m: Int, n: Int) {
            self.k = k
            self.l = l
            self.m = m
            self.n = n
        }
    }
    public var name: String
    public var variant: Variant
    public var branches: [[Layer]]
    public var concatName: String
    /// Only for variant `a`.
    public var filters: FilterCounts?

    public init(name: String, variant: Variant, branches: [[Layer]], concatName: String? = nil,
                filters: FilterCounts? = nil) {
        self.name = name
        self.variant = variant
        self.branches = branches
        self.concatName = concatName ?? name
        self.filters = filters
    }

    public var body: [Layer] { [.concat(name: concatName, branches: branches)] }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: body, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: body) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: body, for: input) }
}
