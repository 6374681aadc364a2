import Blocks

/// The body phase: region blocks, and what the layers between them are — a post-addition of
/// the block before, a pre-activation of the block after, a transition, a plain stage or a
/// MobileNet block — decided by position and structure.
extension NetworkAssembler {
    mutating func assembleBody(_ items: [Item], style: FamilySignature.BodyStyle, preactivated: Bool) {
        var pending: [Int] = []
        for item in items {
            switch item {
            case .chain(let i):
                guard ops[i].layer != nil else {
                    // No block spans what no block takes: the layers before it close here.
                    placeBeforeGap(pending, style: style)
                    pending = []
                    reject([i], "a layer between blocks")
                    continue
                }
                pending.append(i)
            case .region(let shape, let opList, _, _):
                let pre = placeBetween(pending, before: shape, style: style, preactivated: preactivated)
                pending = []
                addRegionBlock(shape, preOps: pre, allOps: opList, style: style)
            }
        }
        placeTrailing(pending, style: style)
    }

    // MARK: Layers between blocks

    /// Places the chain ops between the previous block and the next region; returns those
    /// that become the region's pre-activation.
    private mutating func placeBetween(_ pending: [Int], before shape: RegionShape, style: FamilySignature.BodyStyle,
                                       preactivated: Bool) -> [Int] {
        guard !pending.isEmpty else { return [] }
        switch style {
        case .plain: groupStages(pending, final: false); return []
        case .inverted: groupInverted(pending, final: false); return []
        default: break
        }
        // A projection shortcut that reads the same tensor as the residual branch can start from
        // a pre-activation; identity and pool shortcuts cannot.
        let nextTakesPre: Bool = {
            guard case .residual(_, let shortcut, _) = shape else { return false }
            return RegionShape.convCount(shortcut, ops: ops) > 0
        }()
        let previousPreactivated: Bool = {
            if case .residual(let b)? = blocks.last { return !b.preActivation.isEmpty }
            return blocks.isEmpty
        }()
        var rest = pending[...]
        // Leading BN / ReLU: the previous block's post-addition, unless the network is
        // pre-activated and the next block can start from them.
        if !(nextTakesPre && previousPreactivated && preactivated) {
            while let first = rest.first, ops[first].isNormOrActivation, attachPost(first) { rest = rest.dropFirst() }
        }
        guard !rest.isEmpty else { return [] }
        // Trailing BN / ReLU before a projection block of a pre-activated network: its pre-activation.
        var pre: [Int] = []
        if nextTakesPre, preactivated || blocks.isEmpty {
            while let last = rest.last, ops[last].isNormOrActivation { pre.insert(last, at: 0); rest = rest.dropLast() }
        }
        if !rest.isEmpty { addTransition(Array(rest)) }
        return pre
    }

    /// After the last block: post-additions while the block takes them, plain stages or
    /// MobileNet blocks, then the tail (ResNetV2's `post_bn`, Inception-ResNet-V2's `conv_7b`).
    private mutating func placeTrailing(_ pending: [Int], style: FamilySignature.BodyStyle) {
        var rest = pending[...]
        switch style {
        case .plain: rest = groupStages(pending, final: true)[...]
        case .inverted: rest = groupInverted(pending, final: true)[...]
        default:
            let previousPreactivated: Bool = {
                if case .residual(let b)? = blocks.last { return !b.preActivation.isEmpty }
                return false
            }()
            if !previousPreactivated {
                while let first = rest.first, ops[first].isNormOrActivation, attachPost(first) { rest = rest.dropFirst() }
            }
        }
        for i in rest {
            if let l = ops[i].layer { tail.append(l); tailOps.append(i) }
        }
    }

    /// The chain ops before an op no block takes: stages, MobileNet blocks, or the previous
    /// block's post-addition and a transition — never part of a block that continues past it.
    private mutating func placeBeforeGap(_ pending: [Int], style: FamilySignature.BodyStyle) {
        guard !pending.isEmpty else { return }
        switch style {
        case .plain: groupStages(pending, final: false)
        case .inverted: groupInverted(pending, final: false)
        default:
            var rest = pending[...]
            while let first = rest.first, ops[first].isNormOrActivation, attachPost(first) { rest = rest.dropFirst() }
            if !rest.isEmpty { addTransition(Array(rest)) }
        }
    }

    /// BN / ReLU after a post-activation block; false when the block cannot take it.
    private mutating func attachPost(_ op: Int) -> Bool {
        guard let k = blocks.indices.last, let layer = ops[op].layer else { return false }
        switch blocks[k] {
        case .residual(var b):
            b.postAddition.append(layer)
            blocks[k] = .residual(b)
        case .inceptionResNet(var b):
            guard case .activation(.relu, _) = layer, !b.activation else { return false }
            b.activation = true
            blocks[k] = .inceptionResNet(b)
        default:
            return false
        }
        assign([op], to: blocks[k].name)
        return true
    }

    private mutating func addTransition(_ opIndices: [Int]) {
        let layers = opIndices.compactMap { ops[$0].layer }
        append(.transition(Transition(name: "", layers: layers)), ops: opIndices, exits: [ops[opIndices.last!].primary])
    }

    // MARK: Plain stages

    /// Conv stages, each closed by a pool; returns what is left after the last pool when
    /// `final` (no conv among it) — otherwise that rest is a stage of its own.
    @discardableResult
    private mutating func groupStages(_ pending: [Int], final: Bool) -> [Int] {
        var current: [Int] = []
        for i in pending {
            current.append(i)
            if case .layer(.pool)? = Optional(ops[i].kind) {
                addStage(current)
                current = []
            }
        }
        let hasConv = current.contains { if case .layer(.conv)? = Optional(ops[$0].kind) { return true }; return false }
        if !current.isEmpty, hasConv || !final {
            addStage(current)
            return []
        }
        return current
    }

    private mutating func addStage(_ opIndices: [Int]) {
        let layers = opIndices.compactMap { ops[$0].layer }
        let stage = ConvStage(name: "", variant: ConvStage.isVGG(layers) ? .vgg : .generic, layers: layers)
        append(.convStage(stage), ops: opIndices, exits: [ops[opIndices.last!].primary])
    }

    // MARK: MobileNet blocks without a shortcut

    /// Inverted residuals: each closes after its linear 1×1 projection (and its BN) once a
    /// depthwise conv was seen. Returns the ops after the last block when `final`; otherwise
    /// they form a transition.
    @discardableResult
    private mutating func groupInverted(_ pending: [Int], final: Bool) -> [Int] {
        var current: [Int] = []
        var sawDepthwise = false
        for (k, i) in pending.enumerated() {
            current.append(i)
            guard case .layer(let layer)? = Optional(ops[i].kind) else { continue }
            if case .conv(let c) = layer, c.isDepthwise { sawDepthwise = true }
            let next = k + 1 < pending.count ? ops[pending[k + 1]].layer : nil
            let isProjectionEnd: Bool = {
                guard sawDepthwise else { return false }
                let convs = current.compactMap { op -> Conv? in if case .layer(.conv(let c))? = Optional(ops[op].kind) { return c }; return nil }
                guard let last = convs.last, last.kernel == .one, !last.isDepthwise else { return false }
                switch layer {
                case .conv: if case .batchNorm? = next { return false }
                case .batchNorm: break
                default: return false
                }
                if case .activation? = next { return false }
                return true
            }()
            if isProjectionEnd {
                let layers = current.compactMap { ops[$0].layer }
                append(.invertedResidual(InvertedResidualBlock(name: "", layers: layers, hasShortcut: false)),
                       ops: current, exits: [ops[i].primary])
                current = []
                sawDepthwise = false
            }
        }
        if !current.isEmpty, !final { addTransition(current); return [] }
        return current
    }
}
