import Blocks

/// Region → block, with provisional variants (`settle` finishes them once the family is known).
extension NetworkAssembler {
    mutating func addRegionBlock(_ shape: RegionShape, preOps: [Int], allOps: [Int], style: FamilySignature.BodyStyle) {
        guard let (block, unused) = makeBlock(shape, preOps: preOps, style: style) else {
            reject(preOps + allOps, reason(shape, "a region whose branches match no block kind"))
            return
        }
        let used = preOps.filter { !unused.contains($0) }
        if !unused.isEmpty {
            let layers = unused.compactMap { ops[$0].layer }
            append(.transition(Transition(name: "", layers: layers)), ops: unused, exits: [ops[unused.last!].primary])
        }
        var exits = [ops[allOps.last!].primary]
        if case .inceptionResNet(let c, _, let up, _, _) = shape { exits += [ops[c].primary, ops[up].primary] }
        append(block, ops: used + allOps, exits: exits)
    }

    /// Returns the block and the pre-activation ops it could not use.
    private func makeBlock(_ shape: RegionShape, preOps: [Int], style: FamilySignature.BodyStyle) -> (Block, [Int])? {
        let pre = preOps.compactMap { ops[$0].layer }
        switch shape {
        case .residual(let residualPieces, let shortcutPieces, _):
            guard var residual = layers(residualPieces), let shortcutLayers = layers(shortcutPieces) else { return nil }
            let convs = Layer.convs(in: residual)
            guard !convs.isEmpty else { return nil }
            if style == .inverted, shortcutLayers.isEmpty, FamilySignature.isInvertedResidual(convs) {
                return (.invertedResidual(InvertedResidualBlock(name: "", layers: residual, hasShortcut: true)), preOps)
            }
            var shortcut: ResidualBlock.Shortcut = .identity
            if shortcutLayers.isEmpty {
                shortcut = .identity
            } else if shortcutLayers.count == 1, case .pool(let p) = shortcutLayers[0] {
                shortcut = .pool(p)
            } else if !Layer.convs(in: shortcutLayers).isEmpty {
                shortcut = .projection(shortcutLayers)
            } else {
                return nil
            }
            var preActivation: [Layer] = []
            var unused: [Int] = []
            var fromPre = false
            if case .projection = shortcut, !pre.isEmpty {
                preActivation = pre
                fromPre = true
            } else {
                unused = preOps
                // Identity / pool shortcut: leading BN / ReLU of the residual branch act on the block input.
                while let first = residual.first, Self.isNormOrActivation(first) {
                    preActivation.append(first)
                    residual.removeFirst()
                }
            }
            let variant: ResidualBlock.Variant = FamilySignature.hasSeparableConv(residual) ? .separable
                : convs.count >= 3 ? .bottleneck : .basic
            let block = ResidualBlock(name: "", variant: variant, version: 1, arrangement: .original,
                                      preActivation: preActivation, residual: residual, shortcut: shortcut,
                                      shortcutFromPreActivation: fromPre, postAddition: [])
            return (.residual(block), unused)
        case .inceptionResNet(let c, let branchPieces, let up, let scaleOp, _):
            guard let branches = branchPieces.map(layers).allNonNil(), case .layer(.conv(let upConv))? = Optional(ops[up].kind) else { return nil }
            var scale: InceptionResNetBlock.Scale = .folded
            if let s = scaleOp, case .scale(let v) = ops[s].kind { scale = .explicit(v) }
            let block = InceptionResNetBlock(name: "", variant: .a, version: 1, branches: branches,
                                             concatName: nodeName(ops[c].nodes[0]), up: upConv, scale: scale, activation: false)
            return (.inceptionResNet(block), preOps)
        case .concat(let c, let branchPieces):
            guard let branches = branchPieces.map(layers).allNonNil() else { return nil }
            let name = nodeName(ops[c].nodes[0])
            // The input itself as one of two branches: DenseNet's dense connection, not an Inception module.
            if branches.count == 2, let identity = branches.firstIndex(where: \.isEmpty), !branches[1 - identity].isEmpty {
                let path = branches[1 - identity]
                return (.dense(DenseLayer(name: "", variant: DenseLayer.variant(of: path), path: path, concatName: name, inputFirst: identity == 0)), preOps)
            }
            if branches.contains(where: { Layer.stride(of: $0) > 1 }) {
                return (.reduction(ReductionModule(name: "", variant: .generic, branches: branches, concatName: name)), preOps)
            }
            return (.inception(InceptionModule(name: "", variant: .generic, branches: branches, concatName: name)), preOps)
        case .other:
            return nil
        }
    }

    static func isNormOrActivation(_ layer: Layer) -> Bool {
        switch layer {
        case .batchNorm, .activation: return true
        default: return false
        }
    }

    /// Final variants, versions and arrangements once the family is known.
    func settle(_ block: Block, family: Family) -> Block {
        switch block {
        case .residual(var b):
            let preBN = b.preActivation.contains { if case .batchNorm = $0 { return true }; return false }
            let postBN = b.postAddition.contains { if case .batchNorm = $0 { return true }; return false }
            let endsWithActivation: Bool = { if case .activation? = b.residual.last { return true }; return false }()
            if !b.preActivation.isEmpty {
                b.version = 2
                b.arrangement = preBN ? .fullPreactivation : .reluOnlyPreactivation
            } else {
                b.version = 1
                if postBN { b.arrangement = .bnAfterAddition } else if endsWithActivation && b.postAddition.isEmpty {
                    b.arrangement = .reluBeforeAddition
                } else { b.arrangement = .original }
            }
            return .residual(b)
        case .inceptionResNet(var b):
            b.version = family == .inceptionResNetV2 ? 2 : 1
            let ks = b.branches.flatMap { Layer.convs(in: $0).map(\.kernel) }
            if ks.contains(where: { $0.height == 7 || $0.width == 7 }) { b.variant = .b } else if ks.contains(where: { $0.height == 1 && $0.width == 3 || $0.height == 3 && $0.width == 1 }) {
                b.variant = .c
            } else { b.variant = .a }
            return .inceptionResNet(b)
        case .inception(var b):
            b.variant = VariantSignature.inceptionVariant(b.branches, family: family)
            return .inception(b)
        case .reduction(var b):
            b.variant = VariantSignature.reductionVariant(b.branches, family: family)
            if b.variant == .a { b.filters = reductionAFilters(b.branches) }
            return .reduction(b)
        case .transition, .convStage, .invertedResidual, .dense:
            return block
        }
    }

    /// k, l, m from the 1×1 → 3×3 → 3×3/2 branch; n from the single 3×3/2 conv branch.
    private func reductionAFilters(_ branches: [[Layer]]) -> ReductionModule.FilterCounts? {
        let convChains = branches.map { Layer.convs(in: $0) }
        guard let three = convChains.first(where: { $0.count == 3 }), let one = convChains.first(where: { $0.count == 1 }) else { return nil }
        return .init(k: three[0].outputChannels, l: three[1].outputChannels, m: three[2].outputChannels, n: one[0].outputChannels)
    }
}
