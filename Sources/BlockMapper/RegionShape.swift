import Blocks

/// A region classified by its branch structure alone (before family-level naming).
enum RegionShape {
    /// `add(shortcut, residual)`; `shortcut` is empty for identity.
    case residual(residual: [Decomposition.Piece], shortcut: [Decomposition.Piece], add: Int)
    /// `add(x, up(concat(branches)) [· scale])`.
    case inceptionResNet(concat: Int, branches: [[Decomposition.Piece]], up: Int, scale: Int?, add: Int)
    /// `concat(branches)` from one input.
    case concat(concat: Int, branches: [[Decomposition.Piece]])
    case other(String)

    static func classify(_ pieces: [Decomposition.Piece]?, ops: [Op]) -> RegionShape {
        guard let pieces else { return .other("the region is not a series-parallel graph") }
        guard pieces.count == 1, case .merge(let m, let branches) = pieces[0] else {
            return .other("the region does not end in a merge of branches from one tensor")
        }
        switch ops[m].kind {
        case .concat:
            return .concat(concat: m, branches: branches)
        case .add:
            guard branches.count == 2 else { return .other("an addition of \(branches.count) branches") }
            let convCounts = branches.map { convCount($0, ops: ops) }
            let residualIndex = convCounts[0] > convCounts[1] ? 0 : (convCounts[1] > convCounts[0] ? 1 : (branches[0].count >= branches[1].count ? 0 : 1))
            let residual = branches[residualIndex]
            let shortcut = branches[1 - residualIndex]
            if case .merge(let c, let inner)? = residual.first, case .concat = ops[c].kind, shortcut.isEmpty {
                let rest = residual.dropFirst()
                guard let upPiece = rest.first, case .op(let up) = upPiece, case .layer(.conv)? = Optional(ops[up].kind) else {
                    return .other("an inception-resnet residual without a 1×1 up-projection")
                }
                var scale: Int?
                if rest.count == 2, case .op(let s) = rest.last!, case .scale = ops[s].kind { scale = s }
                guard rest.count == 1 || scale != nil else { return .other("unexpected layers after the up-projection") }
                return .inceptionResNet(concat: c, branches: inner, up: up, scale: scale, add: m)
            }
            return .residual(residual: residual, shortcut: shortcut, add: m)
        default:
            return .other("the region ends in an unsupported merge")
        }
    }

    static func convCount(_ pieces: [Decomposition.Piece], ops: [Op]) -> Int {
        Decomposition.ops(in: pieces).filter { if case .layer(.conv)? = Optional(ops[$0].kind) { return true }; return false }.count
    }
}
