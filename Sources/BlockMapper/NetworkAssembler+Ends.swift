import Blocks

/// The stem (everything before the body) and the head (everything after it).
extension NetworkAssembler {
    mutating func assembleStem(_ items: ArraySlice<Item>) -> [Layer] {
        var stemLayers: [Layer] = []
        var stemOps: [Int] = []
        for item in items {
            switch item {
            case .chain(let i):
                if let l = ops[i].layer {
                    stemLayers.append(l); stemOps.append(i)
                } else if case .inputTranspose = ops[i].kind {
                    stemOps.append(i)
                } else {
                    reject([i], "not a layer a stem can hold")
                }
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
        return stemLayers
    }

    mutating func assembleHead(_ items: ArraySlice<Item>) -> Head? {
        let headOps = items.compactMap { item -> Int? in if case .chain(let i) = item { return i }; return nil }
        for case .region(_, let opList, _, _) in items { reject(opList, "a region after the classifier") }
        var head: Head?
        if !headOps.isEmpty {
            head = makeHead(headOps)
            if head == nil { reject(headOps, "head layers that do not form pooling → dense (→ ReLU → dense …) (→ softmax)") }
        }
        assign(tailOps + (head == nil ? [] : headOps), to: "head")
        // The head's own input (after any tail layers) is the pooling's.
        recordEntry(of: "head", firstOp: tailOps.isEmpty ? headOps.first : nil)
        return head
    }

    private func makeHead(_ headOps: [Int]) -> Head? {
        var pooling: Head.Pooling = .none
        var denses: [Dense] = []
        var reluAfterLast = false
        var softmax = false
        for i in headOps {
            switch ops[i].kind {
            case .globalPool(let p):
                guard denses.isEmpty, case .none = pooling else { return nil }
                pooling = p
            case .layer(.pool(let p)):
                guard denses.isEmpty, case .none = pooling else { return nil }
                pooling = .average(p)
            case .flatten:
                guard denses.isEmpty else { return nil }
            case .dense(let d):
                guard denses.isEmpty || reluAfterLast, !softmax else { return nil }
                denses.append(d)
                reluAfterLast = false
            case .layer(.activation(.relu, _)):
                guard !denses.isEmpty, !reluAfterLast, !softmax else { return nil }
                reluAfterLast = true
            case .softmax:
                guard !denses.isEmpty, !softmax, !reluAfterLast else { return nil }
                softmax = true
            default:
                return nil
            }
        }
        guard let dense = denses.last, !reluAfterLast else { return nil }
        return Head(name: "head", pooling: pooling, hidden: Array(denses.dropLast()), dense: dense, softmax: softmax)
    }
}
