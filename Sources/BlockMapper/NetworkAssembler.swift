import Blocks

/// Turns the decomposed op sequence into a `Network`, in phases: classify the main path's
/// items, find the body's bounds, then stem, body (blocks, transitions, plain stages), head,
/// the family (`FamilySignature`) and each block's final variant (`VariantSignature`).
/// Structure alone decides; names only label.
struct NetworkAssembler {
    typealias Piece = Decomposition.Piece
    typealias Item = AssemblyItem
    let ops: [Op]
    let decomposition: Decomposition
    let namer: BlockNamer
    let nodeName: (Int) -> String
    let opTypeOf: (Int) -> String
    let shapes: [String: FeatureShape]

    private(set) var unassigned: [Recognition.UnassignedNode] = []
    private(set) var nodesByBlock: [String: [String]] = [:]
    /// The body so far (the body phase appends; later phases read).
    var blocks: [Block] = []
    var tail: [Layer] = []
    var tailOps: [Int] = []
    /// The graph's shape entering each block, where the extractor knows it.
    private(set) var entryShapes: [String: FeatureShape] = [:]

    init(ops: [Op], decomposition: Decomposition, namer: BlockNamer, nodeName: @escaping (Int) -> String,
         opTypeOf: @escaping (Int) -> String, shapes: [String: FeatureShape]) {
        self.ops = ops
        self.decomposition = decomposition
        self.namer = namer
        self.nodeName = nodeName
        self.opTypeOf = opTypeOf
        self.shapes = shapes
    }

    mutating func assemble(inputName: String, inputLayout: Network.InputLayout, inputShape: FeatureShape,
                           outputName: String) -> Network {
        for i in decomposition.stray { reject([i], "does not lead to a graph output") }
        let items = classifiedItems()
        let style = FamilySignature.bodyStyle(items, ops: ops)
        let bodyStart = self.bodyStart(items, style: style)
        let headStart = self.headStart(items, bodyStart: bodyStart)
        let stem = assembleStem(items[..<bodyStart])
        assembleBody(Array(items[bodyStart..<headStart]), style: style, preactivated: Self.isPreactivated(items, ops: ops))
        let head = assembleHead(items[headStart...])
        let hasBranches = items.contains { if case .region = $0 { return true }; return false }
        let family = FamilySignature.family(style: style, stem: stem, blocks: blocks, hasBranches: hasBranches)
        let settled = blocks.map { settle($0, family: family) }
        return Network(family: family, inputName: inputName, inputLayout: inputLayout, inputShape: inputShape,
                       stem: Stem(name: "stem", variant: family, layers: stem), blocks: settled,
                       tail: tail, head: head, outputName: outputName)
    }

    private func classifiedItems() -> [Item] {
        decomposition.segments.map { segment in
            switch segment {
            case .chain(let i): return .chain(i)
            case .region(let entry, let exit, let opList, let pieces):
                return .region(RegionShape.classify(pieces, ops: ops), ops: opList, entry: entry, exit: exit)
            }
        }
    }

    /// Pre-activation style: some identity / pool shortcut's residual branch starts with BN or ReLU.
    static func isPreactivated(_ items: [Item], ops: [Op]) -> Bool {
        for case .region(.residual(let residual, let shortcut, _), _, _, _) in items {
            let shortcutIsConv = RegionShape.convCount(shortcut, ops: ops) > 0
            if !shortcutIsConv, case .op(let first)? = residual.first, ops[first].isNormOrActivation { return true }
        }
        return false
    }

    // MARK: Bookkeeping shared by the phases

    /// The layers of a parsed piece list (branches become concatenations); nil when a piece is
    /// not a layer.
    func layers(_ pieces: [Piece]) -> [Layer]? {
        var out: [Layer] = []
        for piece in pieces {
            switch piece {
            case .op(let i):
                guard let l = ops[i].layer else { return nil }
                out.append(l)
            case .merge(let i, let branches):
                guard case .concat = ops[i].kind, let bs = branches.map(layers).allNonNil() else { return nil }
                out.append(.concat(name: nodeName(ops[i].nodes[0]), branches: bs))
            case .fork(let branches):
                guard let bs = branches.map(layers).allNonNil() else { return nil }
                let first = Layer.convs(in: bs.first ?? []).first?.name ?? "fork"
                out.append(.concat(name: first + "/fork", branches: bs))
            }
        }
        return out
    }

    mutating func assign(_ opIndices: [Int], to block: String) {
        nodesByBlock[block, default: []].append(contentsOf: opIndices.flatMap { ops[$0].nodes }.map(nodeName))
    }

    mutating func reject(_ opIndices: [Int], _ reason: String) {
        for i in opIndices {
            var why = reason
            if case .unknown(let r) = ops[i].kind { why = r }
            for n in ops[i].nodes {
                unassigned.append(.init(name: nodeName(n), opType: opTypeOf(n), reason: why))
            }
        }
    }

    /// Adds a body block named from its nodes, owning `opIndices`.
    mutating func append(_ block: Block, ops opIndices: [Int], exits: [Int]) {
        var named = block
        let name = namer.blockName(nodes: opIndices.flatMap { ops[$0].nodes }, exits: exits)
        named.name = uniqueName(name)
        blocks.append(named)
        assign(opIndices, to: named.name)
        recordEntry(of: named.name, firstOp: opIndices.first)
    }

    mutating func recordEntry(of block: String, firstOp: Int?) {
        if let i = firstOp, let input = ops[i].inputs.first, let shape = shapes[input] { entryShapes[block] = shape }
    }

    private func uniqueName(_ name: String) -> String {
        let names = Set(blocks.map(\.name))
        guard names.contains(name) || name == "stem" || name == "head" else { return name }
        var k = 2
        while names.contains("\(name)_\(k)") { k += 1 }
        return "\(name)_\(k)"
    }

    func reason(_ shape: RegionShape, _ fallback: String) -> String {
        if case .other(let why) = shape { return why }
        return fallback
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
