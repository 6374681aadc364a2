import Blocks

/// The one place that knows what identifies each family in a graph: first how its body is
/// built (`BodyStyle`, from the regions alone, which decides how the assembler groups layers
/// into blocks), then which family those blocks make (`family(…)`, from the blocks' exact
/// signatures). Families differ by their blocks, never by names.
enum FamilySignature {
    /// How a body is organized, decided before blocks exist.
    enum BodyStyle {
        /// Inception-ResNet: `add(x, up(concat(…)))` regions.
        case inceptionResNet
        /// ResNet, ResNeXt, Wide ResNet, Xception: `add(shortcut, residual)` regions.
        case residual
        /// MobileNetV2: depthwise inverted residuals, with and without an addition.
        case inverted
        /// GoogLeNet, BN-Inception, Inception-V3/V4: concatenations of three or more branches.
        case inception
        /// VGG, AlexNet: no branches at all, convolutions in a chain.
        case plain
        /// Nothing to build blocks from.
        case none
    }

    static func bodyStyle(_ items: [AssemblyItem], ops: [Op]) -> BodyStyle {
        var residual = false, inception = false, inverted = false, convs = false
        for item in items {
            switch item {
            case .region(.inceptionResNet, _, _, _): return .inceptionResNet
            case .region(.residual(let pieces, _, _), _, _, _):
                residual = true
                let chain = Decomposition.ops(in: pieces).compactMap { ops[$0].layer }
                if Self.isInvertedResidual(Layer.convs(in: chain)) { inverted = true }
            case .region(.concat(_, let branches), _, _, _): if branches.count >= 3 { inception = true }
            case .chain(let i): if case .layer(.conv)? = Optional(ops[i].kind) { convs = true }
            default: break
            }
        }
        if inverted { return .inverted }
        if residual { return .residual }
        if inception { return .inception }
        return convs ? .plain : .none
    }

    /// 1×1 expansion (or none) → depthwise → 1×1 projection: a MobileNetV2 block's convs.
    static func isInvertedResidual(_ convs: [Conv]) -> Bool {
        guard let dw = convs.firstIndex(where: \.isDepthwise), dw + 1 < convs.count else { return false }
        let after = convs[dw + 1]
        // Xception's separable conv is depthwise → 1×1 with nothing between; it is told apart
        // by the 1×1 being followed by another depthwise conv rather than ending the block.
        return after.kernel == .one && convs.count == dw + 2 && (dw == 0 || convs[dw - 1].kernel == .one)
    }

    /// A depthwise conv immediately followed by a 1×1 conv in the chain (Xception's
    /// `SeparableConv2D`, which exporters write as two convs).
    static func hasSeparableConv(_ chain: [Layer]) -> Bool {
        for (k, layer) in chain.enumerated() where k + 1 < chain.count {
            if case .conv(let dw) = layer, dw.isDepthwise, case .conv(let pw) = chain[k + 1], pw.kernel == .one { return true }
        }
        return false
    }

    /// The family the assembled blocks make; `custom` when a block of a kind the family does
    /// not have is among them (DenseNet's concatenations in a chain are not VGG stages).
    static func family(style: BodyStyle, stem: [Layer], blocks: [Block], hasBranches: Bool) -> Family {
        let family = candidate(style: style, stem: stem, blocks: blocks)
        // A plain network is a chain: branches of any kind, even ones no block takes (DenseNet's
        // many-input concatenations), make it something else.
        if family == .plain, hasBranches { return .custom }
        let kinds = Set(blocks.map(\.kind))
        let allowed: Set<String>
        switch family {
        case .resnet, .resnext, .xception: allowed = ["residual", "transition"]
        case .inceptionResNetV1, .inceptionResNetV2: allowed = ["inception-resnet", "reduction", "transition"]
        case .inceptionV1, .bnInception, .inceptionV3, .inceptionV4: allowed = ["inception", "reduction", "transition"]
        case .plain: allowed = ["conv-stage", "transition"]
        case .mobileNetV2:
            let inverted = blocks.allSatisfy { if case .invertedResidual = $0 { return true }; return false }
            return inverted && !blocks.isEmpty ? family : .custom
        case .custom: return family
        }
        return kinds.isSubset(of: allowed) ? family : .custom
    }

    private static func candidate(style: BodyStyle, stem: [Layer], blocks: [Block]) -> Family {
        let stemHasConcat = stem.contains { if case .concat = $0 { return true }; return false }
        switch style {
        case .inceptionResNet:
            return stemHasConcat ? .inceptionResNetV2 : .inceptionResNetV1
        case .residual:
            var separable = false, grouped = false
            for case .residual(let b) in blocks {
                if b.variant == .separable { separable = true }
                if b.groups > 1 { grouped = true }
            }
            return separable ? .xception : grouped ? .resnext : .resnet
        case .inverted:
            return .mobileNetV2
        case .inception:
            let modules = blocks.compactMap { block -> [[Layer]]? in
                if case .inception(let m) = block { return m.branches }
                return nil
            }
            func count(_ variants: [InceptionModule.Variant]) -> Int {
                modules.filter { m in variants.contains { VariantSignature.matches(m, $0) } }.count
            }
            if stemHasConcat { return count([.v4a, .v4b, .v4c]) > 0 ? .inceptionV4 : .custom }
            let v1 = count([.v1]), bn = count([.bn]), v3 = count([.v3a, .v3b, .v3c])
            if v1 > 0, v1 >= bn, v1 >= v3 { return .inceptionV1 }
            if bn > 0, bn >= v3 { return .bnInception }
            return v3 > 0 ? .inceptionV3 : .custom
        case .plain:
            return .plain
        case .none:
            return .custom
        }
    }
}
