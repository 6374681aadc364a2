import Blocks

/// Turns the decomposed op sequence into stem, body blocks and head, and decides the family,
/// each block's variant and the residual arrangement from structure alone.
struct NetworkAssembler {
    typealias Piece = Decomposition.Piece
    let ops: [Op]
    let decomposition: Decomposition
    let namer: BlockNamer
    let nodeName: (Int) -> String
    let opTypeOf: (Int) -> String
    let shapes: [String: FeatureShape]

    private(set) var unassigned: [Recognition.UnassignedNode] = []
    private(set) var nodesByBlock: [String: [String]] = [:]

    private enum Item {
        case chain(Int)
        case region(RegionShape, ops: [Int], entry: String, exit: String)
    }

    private func layers(_ pieces: [Piece]) -> [Layer]? {
        var out: [Layer] = []
        for piece in pieces {
            switch piece {
            case .op(let i):
                guard let l = ops[i].layer else { return nil }
                out.append(l)
            case .merge(let i, let branches):
                guard case .concat = ops[i].kind else { return nil }
                var bs: [[Layer]] = []
                for b in branches {
                    guard let l = layers(b) else { return nil }
                    bs.append(l)
                }
                out.append(.concat(name: nodeName(ops[i].nodes[0]), branches: bs))
            case .fork(let branches):
                var bs: [[Layer]] = []
                for b in branches {
                    guard let l = layers(b) else { return nil }
                    bs.append(l)
                }
                let first = Layer.convs(in: bs.first ?? []).first?.name ?? "fork"
                out.append(.concat(name: first + "/fork", branches: bs))
            }
        }
        return out
    }

    private func nodeNames(_ opIndices: [Int]) -> [String] {
        opIndices.flatMap { ops[$0].nodes }.map(nodeName)
    }

    private mutating func assign(_ opIndices: [Int], to block: String) {
        nodesByBlock[block, default: []].append(contentsOf: nodeNames(opIndices))
    }

    private mutating func reject(_ opIndices: [Int], _ reason: String) {
        for i in opIndices {
            var why = reason
            if case .unknown(let r) = ops[i].kind { why = r }
            for n in ops[i].nodes {
                unassigned.append(.init(name: nodeName(n), opType: opTypeOf(n), reason: why))
            }
        }
    }

    private func kernels(_ layers: [Layer]) -> [Size2] { Layer.convs(in: layers).map(\.kernel) }

    private func hasNestedConcat(_ chains: [[Layer]]) -> Bool {
        chains.contains { $0.contains { if case .concat = $0 { return true }; return false } }
    }

    mutating func assemble(family requested: String? = nil, inputName: String, inputLayout: Network.InputLayout,
                           inputShape: FeatureShape, outputName: String) -> Network {
        for i in decomposition.stray { reject([i], "does not lead to a graph output") }
        let items: [Item] = decomposition.segments.map { segment in
            switch segment {
            case .chain(let i): return .chain(i)
            case .region(let entry, let exit, let opList, let pieces):
                return .region(RegionShape.classify(pieces, ops: ops), ops: opList, entry: entry, exit: exit)
            }
        }

        // Pre-activation style: some identity/pool residual branch starts with BN or ReLU.
        var preactivation = false
        for case .region(.residual(let residual, let shortcut, _), _, _, _) in items {
            let shortcutIsConv = RegionShape.convCount(shortcut, ops: ops) > 0
            if !shortcutIsConv, case .op(let first)? = residual.first, ops[first].isNormOrActivation { preactivation = true }
        }
        let hasInceptionResNet = items.contains { if case .region(.inceptionResNet, _, _, _) = $0 { return true }; return false }
        let hasResidual = items.contains { if case .region(.residual, _, _, _) = $0 { return true }; return false }

        // Where the body starts.
        var bodyStart = items.count
        for (k, item) in items.enumerated() {
            guard case .region(let shape, _, _, _) = item else { continue }
            var starts = false
            switch shape {
            case .inceptionResNet: starts = true
            case .residual: starts = !hasInceptionResNet
            case .concat(_, let branches): starts = !hasInceptionResNet && !hasResidual && branches.count >= 3
            case .other: starts = false
            }
            if starts { bodyStart = k; break }
        }
        // Where the head starts: trailing head pieces (and a pool right before flatten/dense).
        var headStart = items.count
        while headStart > bodyStart, case .chain(let i) = items[headStart - 1], ops[i].isHeadPiece {
            headStart -= 1
        }
        if headStart < items.count, headStart > bodyStart, case .chain(let i) = items[headStart - 1],
           case .layer(.pool(let p))? = Optional(ops[i].kind), p.kind == .average, !hasTrailingGlobalPool(items[headStart...]) {
            headStart -= 1
        }
        // Pre-activation of a first projection block sits before its region.
        var preStart = bodyStart
        if preactivation {
            while preStart > 0, case .chain(let i) = items[preStart - 1], ops[i].isNormOrActivation { preStart -= 1 }
        }

        // Stem.
        var stemLayers: [Layer] = []
        var stemOps: [Int] = []
        for item in items[..<preStart] {
            switch item {
            case .chain(let i):
                if let l = ops[i].layer { stemLayers.append(l); stemOps.append(i) } else if case .inputTranspose = ops[i].kind {
                    stemOps.append(i)
                } else { reject([i], "not a layer a stem can hold") }
            case .region(let shape, let opList, _, _):
                if case .concat(let c, let branches) = shape, let bs = branches.map(layers).allNonNil() {
                    stemLayers.append(.concat(name: nodeName(ops[c].nodes[0]), branches: bs))
                    stemOps += opList
                } else {
                    reject(opList, reason(shape, "a stem region that is not a concatenation of branches"))
                }
            }
        }
        assign(stemOps, to: "stem")

        // Body.
        var blocks: [Block] = []
        var pendingPre: [Int] = []
        var tailOps: [Int] = []
        var tail: [Layer] = []
        var blockNames: [String] = []
        let bodyItems = Array(items[preStart..<headStart])
        for item in bodyItems {
            switch item {
            case .chain(let i):
                guard let layer = ops[i].layer else { reject([i], "a layer between blocks"); continue }
                if !tailOps.isEmpty || !ops[i].isNormOrActivation {
                    // After the last block everything up to the head is the head's (IRv2 conv_7b).
                    tail += pendingPre.compactMap { ops[$0].layer }; tailOps += pendingPre; pendingPre = []
                    tail.append(layer); tailOps.append(i)
                } else if preactivation {
                    pendingPre.append(i)
                } else if let last = blocks.indices.last, attachPost(layer, to: &blocks[last]) {
                    assign([i], to: blockNames[last])
                } else {
                    tail.append(layer); tailOps.append(i)
                }
            case .region(let shape, let opList, _, let exit):
                if !tailOps.isEmpty {
                    reject(tailOps, "layers between blocks"); tail = []; tailOps = []
                }
                guard let (block, extraOps) = makeBlock(shape, preOps: pendingPre, exit: exit, allOps: opList) else {
                    reject(pendingPre + opList, reason(shape, "a region whose branches match no block kind"))
                    pendingPre = []
                    continue
                }
                if !extraOps.isEmpty { reject(extraOps, "pre-activation layers the block could not take") }
                var named = block
                var exits = [ops[opList.last!].primary]
                if case .inceptionResNet(let c, _, let up, _, _) = shape { exits += [ops[c].primary, ops[up].primary] }
                let name = namer.blockName(nodes: (opList + pendingPre.filter { !extraOps.contains($0) }).flatMap { ops[$0].nodes },
                                           exits: exits)
                named.rename(uniqueName(name, among: blockNames))
                blocks.append(named)
                blockNames.append(named.name)
                assign(pendingPre.filter { !extraOps.contains($0) } + opList, to: named.name)
                pendingPre = []
            }
        }
        for i in pendingPre { tail.append(ops[i].layer!); tailOps.append(i) }

        // Head.
        var head: Head?
        let headOps = items[headStart...].compactMap { item -> Int? in if case .chain(let i) = item { return i }; return nil }
        if !headOps.isEmpty {
            head = makeHead(headOps)
            if head == nil { reject(headOps, "head layers that do not form pooling → dense (→ softmax)") }
        }
        assign(tailOps + (head == nil ? [] : headOps), to: "head")

        // Family and variants.
        let stemHasConcat = stemLayers.contains { if case .concat = $0 { return true }; return false }
        let family: String
        if hasInceptionResNet {
            family = stemHasConcat ? "inception-resnet-v2" : "inception-resnet-v1"
        } else if hasResidual {
            family = "resnet"
        } else if blocks.contains(where: { if case .inception = $0 { return true }; return false }) {
            family = stemHasConcat ? "inception-v4" : "inception-v3"
        } else {
            family = "custom"
        }
        blocks = blocks.map { settle($0, family: requested ?? family) }
        let stemVariant: Stem.Variant
        switch family {
        case "resnet": stemVariant = .resnet
        case "inception-v3": stemVariant = .inceptionV3
        case "inception-v4": stemVariant = .inceptionV4
        case "inception-resnet-v1": stemVariant = .inceptionResNetV1
        case "inception-resnet-v2": stemVariant = .inceptionResNetV2
        default: stemVariant = .custom
        }
        return Network(family: family, inputName: inputName, inputLayout: inputLayout, inputShape: inputShape,
                       stem: Stem(name: "stem", variant: stemVariant, layers: stemLayers), blocks: blocks,
                       tail: tail, head: head, outputName: outputName)
    }

    private func hasTrailingGlobalPool(_ items: ArraySlice<Item>) -> Bool {
        items.contains { if case .chain(let i) = $0, case .globalPool = ops[i].kind { return true }; return false }
    }

    private func reason(_ shape: RegionShape, _ fallback: String) -> String {
        if case .other(let why) = shape { return why }
        return fallback
    }

    private func uniqueName(_ name: String, among names: [String]) -> String {
        guard names.contains(name) || name == "stem" || name == "head" else { return name }
        var k = 2
        while names.contains("\(name)_\(k)") { k += 1 }
        return "\(name)_\(k)"
    }

    /// BN / ReLU after a post-activation block.
    private func attachPost(_ layer: Layer, to block: inout Block) -> Bool {
        switch block {
        case .residual(var b):
            b.postAddition.append(layer)
            block = .residual(b)
            return true
        case .inceptionResNet(var b):
            guard case .activation = layer, !b.activation else { return false }
            b.activation = true
            block = .inceptionResNet(b)
            return true
        default:
            return false
        }
    }

    /// A block for a region, with provisional variants (`settle` finishes them). Returns the
    /// pre-activation ops it could not use.
    private func makeBlock(_ shape: RegionShape, preOps: [Int], exit: String, allOps: [Int]) -> (Block, [Int])? {
        let pre = preOps.compactMap { ops[$0].layer }
        switch shape {
        case .residual(let residualPieces, let shortcutPieces, _):
            guard var residual = layers(residualPieces), let shortcutLayers = layers(shortcutPieces) else { return nil }
            let convs = Layer.convs(in: residual)
            guard !convs.isEmpty else { return nil }
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
            let variant: ResidualBlock.Variant = convs.count >= 3 ? .bottleneck : .basic
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
            let strided = branches.contains { chain in
                chain.contains { l in
                    switch l {
                    case .conv(let conv): return conv.strides.height > 1 || conv.strides.width > 1
                    case .pool(let p): return p.strides.height > 1 || p.strides.width > 1
                    default: return false
                    }
                }
            }
            let name = nodeName(ops[c].nodes[0])
            if strided {
                return (.reduction(ReductionModule(name: "", variant: .a, branches: branches, concatName: name)), preOps)
            }
            return (.inception(InceptionModule(name: "", variant: .v3a, branches: branches, concatName: name)), preOps)
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
    private func settle(_ block: Block, family: String) -> Block {
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
            b.version = family == "inception-resnet-v2" ? 2 : 1
            let ks = b.branches.flatMap(kernels)
            if ks.contains(where: { $0.height == 7 || $0.width == 7 }) { b.variant = .b } else if ks.contains(where: { $0.height == 1 && $0.width == 3 || $0.height == 3 && $0.width == 1 }) {
                b.variant = .c
            } else { b.variant = .a }
            return .inceptionResNet(b)
        case .inception(var b):
            let ks = b.branches.flatMap(kernels)
            let seven = ks.contains { $0.height == 7 || $0.width == 7 }
            let nested = hasNestedConcat(b.branches)
            let v4 = family == "inception-v4"
            b.variant = nested ? (v4 ? .v4c : .v3c) : seven ? (v4 ? .v4b : .v3b) : (v4 ? .v4a : .v3a)
            return .inception(b)
        case .reduction(var b):
            let ks = b.branches.flatMap(kernels)
            let seven = ks.contains { $0.height == 7 || $0.width == 7 }
            if family.hasPrefix("inception-resnet"), b.branches.count >= 4 {
                b.variant = family == "inception-resnet-v1" ? .inceptionResNetV1B : .inceptionResNetV2B
            } else if seven {
                b.variant = family == "inception-v3" ? .v3b : .v4b
            } else {
                b.variant = family == "inception-v3" ? .v3a : .a
                if b.variant == .a { b.filters = reductionAFilters(b.branches) }
            }
            return .reduction(b)
        }
    }

    /// k, l, m from the 1×1 → 3×3 → 3×3/2 branch; n from the single 3×3/2 conv branch.
    private func reductionAFilters(_ branches: [[Layer]]) -> ReductionModule.FilterCounts? {
        let convChains = branches.map { Layer.convs(in: $0) }
        guard let three = convChains.first(where: { $0.count == 3 }), let one = convChains.first(where: { $0.count == 1 }) else { return nil }
        return .init(k: three[0].outputChannels, l: three[1].outputChannels, m: three[2].outputChannels, n: one[0].outputChannels)
    }

    private func makeHead(_ headOps: [Int]) -> Head? {
        var pooling: Head.Pooling = .none
        var dense: Dense?
        var softmax = false
        for i in headOps {
            switch ops[i].kind {
            case .globalPool(let p): guard dense == nil else { return nil }; pooling = p
            case .layer(.pool(let p)): guard dense == nil, case .none = pooling else { return nil }; pooling = .average(p)
            case .flatten: guard dense == nil else { return nil }
            case .dense(let d): guard dense == nil else { return nil }; dense = d
            case .softmax: guard dense != nil, !softmax else { return nil }; softmax = true
            default: return nil
            }
        }
        guard let dense else { return nil }
        return Head(name: "head", pooling: pooling, dense: dense, softmax: softmax)
    }
}

extension Array {
    /// All elements unwrapped, or nil if any is nil.
    func allNonNil<T>() -> [T]? where Element == T? {
        var out: [T] = []
        for e in self { guard let e else { return nil }; out.append(e) }
        return out
    }
}

extension Block {
    mutating func rename(_ name: String) {
        switch self {
        case .residual(var b): b.name = name; self = .residual(b)
        case .inception(var b): b.name = name; self = .inception(b)
        case .reduction(var b): b.name = name; self = .reduction(b)
        case .inceptionResNet(var b): b.name = name; self = .inceptionResNet(b)
        }
    }
}
