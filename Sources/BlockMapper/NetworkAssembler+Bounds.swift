import Blocks

/// Where the body starts and where the head starts, by body style.
extension NetworkAssembler {
    func bodyStart(_ items: [Item], style: FamilySignature.BodyStyle) -> Int {
        switch style {
        case .inceptionResNet:
            return items.firstIndex { if case .region(.inceptionResNet, _, _, _) = $0 { return true }; return false } ?? items.count
        case .residual:
            var start = items.firstIndex { if case .region(.residual, _, _, _) = $0 { return true }; return false } ?? items.count
            // The pre-activation of a first projection block sits before its region (an identity
            // block cannot start from one: its shortcut reads the same tensor).
            let firstTakesPre: Bool = {
                guard start < items.count, case .region(.residual(_, let shortcut, _), _, _, _) = items[start] else { return false }
                return RegionShape.convCount(shortcut, ops: ops) > 0
            }()
            if firstTakesPre, Self.isPreactivated(items, ops: ops) {
                while start > 0, case .chain(let i) = items[start - 1], ops[i].isNormOrActivation { start -= 1 }
            }
            return start
        case .inception:
            return items.firstIndex { if case .region(.concat(_, let b), _, _, _) = $0 { return b.count >= 3 }; return false } ?? items.count
        case .inverted:
            guard var start = items.firstIndex(where: containsDepthwise) else { return items.count }
            // Back over the depthwise unit's own BN / activation, then over a 1×1 expansion.
            if case .region = items[start] { return start }
            while start > 0, case .chain(let i) = items[start - 1], ops[i].isNormOrActivation {
                start -= 1
            }
            if start > 0, case .chain(let i) = items[start - 1], case .layer(.conv(let c))? = Optional(ops[i].kind),
               c.kernel == .one, !c.isDepthwise {
                return start - 1
            }
            // No expansion: the block starts at the depthwise conv itself.
            return items.firstIndex(where: containsDepthwise) ?? items.count
        case .plain:
            return items.firstIndex { if case .chain(let i) = $0 { return ops[i].layer != nil }; return true } ?? items.count
        case .none:
            return items.count
        }
    }

    private func containsDepthwise(_ item: Item) -> Bool {
        let indices: [Int]
        switch item {
        case .chain(let i): indices = [i]
        case .region(_, let list, _, _): indices = list
        }
        return indices.contains { if case .layer(.conv(let c))? = Optional(ops[$0].kind) { return c.isDepthwise }; return false }
    }

    /// Trailing head pieces (pooling, flatten, dense layers with the ReLUs between them,
    /// softmax), and a pool right before them when no global pool follows.
    func headStart(_ items: [Item], bodyStart: Int) -> Int {
        func isDense(_ k: Int) -> Bool {
            if k >= bodyStart, case .chain(let i) = items[k], case .dense = ops[i].kind { return true }
            return false
        }
        var start = items.count
        while start > bodyStart, case .chain(let i) = items[start - 1] {
            let hiddenReLU: Bool = { if case .layer(.activation(.relu, _))? = Optional(ops[i].kind) { return isDense(start - 2) }; return false }()
            guard ops[i].isHeadPiece || hiddenReLU else { break }
            start -= 1
        }
        let hasGlobalPool = items[start...].contains { if case .chain(let i) = $0, case .globalPool = ops[i].kind { return true }; return false }
        if start < items.count, start > bodyStart, !hasGlobalPool, case .chain(let i) = items[start - 1],
           case .layer(.pool(let p))? = Optional(ops[i].kind), p.kind == .average {
            start -= 1
        }
        return start
    }
}
