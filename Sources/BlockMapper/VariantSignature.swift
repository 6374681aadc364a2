import Blocks

/// Exact branch signatures of the known Inception modules and reductions. A module is
/// labelled with a variant only when its branches, as a set, are exactly that variant's;
/// anything else is `generic` — never the nearest variant. Widths, padding and names do not
/// take part; kernels, strides, pools and nested splits do.
enum VariantSignature {
    /// One branch as text: `c1x7`, `c3x3/2`, `max3/1`, `(c1x3|c3x1)`; BN and activations left out.
    static func branch(_ chain: [Layer]) -> String {
        chain.compactMap { layer -> String? in
            switch layer {
            case .conv(let c):
                return "c\(c.kernel)" + (c.strides == .one ? "" : "/\(c.strides.height)") + (c.group > 1 ? "g" : "")
            case .pool(let p): return "\(p.kind == .max ? "max" : "avg")\(p.window.height)/\(p.strides.height)"
            case .concat(_, let branches): return "(" + branches.map(branch).sorted().joined(separator: "|") + ")"
            case .localResponseNorm: return "lrn"
            case .batchNorm, .activation: return nil
            }
        }.joined(separator: ">")
    }

    static func signature(_ branches: [[Layer]]) -> [String] { branches.map(branch).sorted() }

    static func set(_ branches: [String]...) -> [[String]] { branches.map { $0.sorted() } }

    /// Each variant, the family it belongs to, and its accepted branch sets. Inception-V4's A
    /// module is BN-Inception's module and V4's Reduction-B is V3's mixed8: the family decides.
    static let modules: [(InceptionModule.Variant, Family, [[String]])] = [
        // The paper's module, and torchvision's, whose third branch has a 3×3 where the paper has a 5×5.
        (.v1, .inceptionV1, set(["c1x1", "c1x1>c3x3", "c1x1>c5x5", "max3/1>c1x1"], ["c1x1", "c1x1>c3x3", "c1x1>c3x3", "max3/1>c1x1"])),
        (.bn, .bnInception, set(["c1x1", "c1x1>c3x3", "c1x1>c3x3>c3x3", "avg3/1>c1x1"], ["c1x1", "c1x1>c3x3", "c1x1>c3x3>c3x3", "max3/1>c1x1"])),
        (.v3a, .inceptionV3, set(["c1x1", "c1x1>c5x5", "c1x1>c3x3>c3x3", "avg3/1>c1x1"])),
        (.v3b, .inceptionV3, set(["c1x1", "c1x1>c1x7>c7x1", "c1x1>c7x1>c1x7>c7x1>c1x7", "avg3/1>c1x1"])),
        (.v3c, .inceptionV3, set(["c1x1", "c1x1>(c1x3|c3x1)", "c1x1>c3x3>(c1x3|c3x1)", "avg3/1>c1x1"])),
        (.v4a, .inceptionV4, set(["avg3/1>c1x1", "c1x1", "c1x1>c3x3", "c1x1>c3x3>c3x3"])),
        (.v4b, .inceptionV4, set(["avg3/1>c1x1", "c1x1", "c1x1>c1x7>c7x1", "c1x1>c1x7>c7x1>c1x7>c7x1"],
                                 ["avg3/1>c1x1", "c1x1", "c1x1>c1x7>c7x1", "c1x1>c7x1>c1x7>c7x1>c1x7"])),
        (.v4c, .inceptionV4, set(["avg3/1>c1x1", "c1x1", "c1x1>(c1x3|c3x1)", "c1x1>c3x1>c1x3>(c1x3|c3x1)"],
                                 ["avg3/1>c1x1", "c1x1", "c1x1>(c1x3|c3x1)", "c1x1>c1x3>c3x1>(c1x3|c3x1)"])),
    ]

    static let reductions: [(ReductionModule.Variant, [Family], [[String]])] = [
        (.v3a, [.inceptionV3], set(["c3x3/2", "c1x1>c3x3>c3x3/2", "max3/2"])),
        (.a, [.inceptionV4, .inceptionResNetV1, .inceptionResNetV2], set(["c3x3/2", "c1x1>c3x3>c3x3/2", "max3/2"])),
        (.v3b, [.inceptionV3], set(["c1x1>c3x3/2", "c1x1>c1x7>c7x1>c3x3/2", "max3/2"])),
        (.v4b, [.inceptionV4], set(["c1x1>c3x3/2", "c1x1>c1x7>c7x1>c3x3/2", "max3/2"])),
        (.inceptionResNetV1B, [.inceptionResNetV1], set(["c1x1>c3x3/2", "c1x1>c3x3/2", "c1x1>c3x3>c3x3/2", "max3/2"])),
        (.inceptionResNetV2B, [.inceptionResNetV2], set(["c1x1>c3x3/2", "c1x1>c3x3/2", "c1x1>c3x3>c3x3/2", "max3/2"])),
        (.bn, [.bnInception], set(["c1x1>c3x3/2", "c1x1>c3x3>c3x3/2", "max3/2"])),
    ]

    /// Whether the branches are exactly `variant`'s (whatever the network's family).
    static func matches(_ branches: [[Layer]], _ variant: InceptionModule.Variant) -> Bool {
        let s = signature(branches)
        return modules.contains { $0.0 == variant && $0.2.contains(s) }
    }

    /// The module's variant in its family; `generic` when no variant of that family fits exactly.
    static func inceptionVariant(_ branches: [[Layer]], family: Family) -> InceptionModule.Variant {
        let s = signature(branches)
        return modules.first { $0.1 == family && $0.2.contains(s) }?.0 ?? .generic
    }

    static func reductionVariant(_ branches: [[Layer]], family: Family) -> ReductionModule.Variant {
        let s = signature(branches)
        return reductions.first { $0.1.contains(family) && $0.2.contains(s) }?.0 ?? .generic
    }
}
