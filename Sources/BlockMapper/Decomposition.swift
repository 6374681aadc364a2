/// Splits the op sequence at "cut" tensors — tensors every input→output path goes through —
/// into single ops (chains) and single-entry/single-exit regions, and parses each region as a
/// series-parallel tree of pieces.
struct Decomposition {
    /// A region's structure: ops in order, and merges whose branches start at a common fork.
    indirect enum Piece {
        case op(Int)
        case merge(Int, [[Piece]])
        /// Sub-branches from one tensor whose outputs sit side by side in an enclosing concat
        /// (exporters flatten Keras' nested concatenations into one `Concat`).
        case fork([[Piece]])
    }
    enum Segment {
        /// One op on the main path.
        case chain(Int)
        /// Ops between two cut tensors (`entry` exclusive), parsed, or nil when not series-parallel.
        case region(entry: String, exit: String, ops: [Int], pieces: [Piece]?)
    }

    let ops: [Op]
    let producer: [String: Int]
    private(set) var segments: [Segment] = []
    /// Ops that reach no graph output (dead ends) or are unknown without inputs.
    private(set) var stray: [Int] = []

    init(ops: [Op], producer: [String: Int], outputs: Set<String>, input: String) {
        self.ops = ops
        self.producer = producer
        // Live ops: those an output depends on.
        var live = Set<Int>()
        var stack = outputs.compactMap { producer[$0] }
        while let i = stack.popLast() {
            guard live.insert(i).inserted else { continue }
            for t in ops[i].inputs { if let p = producer[t] { stack.append(p) } }
        }
        var remaining: [String: Int] = [:]
        for i in ops.indices where live.contains(i) {
            for t in ops[i].inputs { remaining[t, default: 0] += 1 }
        }
        // Tensors no op produces (the graph input) are open from the start.
        var open = remaining.keys.filter { producer[$0] == nil && remaining[$0, default: 0] > 0 }.count
        var current: [Int] = []
        var lastCut: String? = input
        for i in ops.indices {
            guard live.contains(i) else { stray.append(i); continue }
            current.append(i)
            for t in Set(ops[i].inputs) {
                let left = remaining[t, default: 0] - ops[i].inputs.filter { $0 == t }.count
                remaining[t] = left
                if left == 0 { open -= 1 }
            }
            if remaining[ops[i].output, default: 0] > 0 { open += 1 }
            let isCut = open <= 1
            if isCut {
                if current.count == 1, ops[i].inputs.count <= 1 {
                    segments.append(.chain(i))
                } else {
                    let entry = lastCut ?? ""
                    segments.append(.region(entry: entry, exit: ops[i].output, ops: current,
                                            pieces: parse(entry: entry, exit: ops[i].output, allowed: Set(current))))
                }
                current = []
                lastCut = ops[i].output
            }
        }
        if !current.isEmpty {
            segments.append(.region(entry: lastCut ?? "", exit: "", ops: current, pieces: nil))
        }
    }

    /// Parses the ops from `entry` to `exit` into pieces; nil if the region is not series-parallel.
    func parse(entry: String, exit: String, allowed: Set<Int>) -> [Piece]? {
        var used = Set<Int>()
        guard let pieces = parse(from: entry, to: exit, allowed: allowed, used: &used), used == allowed else { return nil }
        return pieces
    }

    private func parse(from entry: String, to exit: String, allowed: Set<Int>, used: inout Set<Int>) -> [Piece]? {
        var pieces: [Piece] = []
        var t = exit
        while t != entry {
            guard let i = producer[t], allowed.contains(i), !used.contains(i) else { return nil }
            used.insert(i)
            let op = ops[i]
            if op.inputs.count == 1 {
                pieces.append(.op(i))
                t = op.inputs[0]
            } else if op.inputs.count > 1 {
                guard let fork = commonFork(of: op.inputs, entry: entry, allowed: allowed),
                      let branches = parseBranches(op.inputs, from: fork, allowed: allowed, used: &used)
                else { return nil }
                pieces.append(.merge(i, branches))
                t = fork
            } else {
                return nil
            }
        }
        return pieces.reversed()
    }

    /// Branches from `fork` to each input; consecutive inputs that share a later fork become
    /// one branch ending in a `.fork` of their own sub-branches.
    private func parseBranches(_ inputs: [String], from fork: String, allowed: Set<Int>, used: inout Set<Int>) -> [[Piece]]? {
        var branches: [[Piece]] = []
        var k = 0
        while k < inputs.count {
            var end = k + 1
            while end < inputs.count, let f = commonFork(of: Array(inputs[k...end]), entry: fork, allowed: allowed), f != fork {
                end += 1
            }
            if end - k == 1 {
                guard let b = parse(from: fork, to: inputs[k], allowed: allowed, used: &used) else { return nil }
                branches.append(b)
            } else {
                let group = Array(inputs[k..<end])
                guard let inner = commonFork(of: group, entry: fork, allowed: allowed),
                      let subs = parseBranches(group, from: inner, allowed: allowed, used: &used),
                      let prefix = parse(from: fork, to: inner, allowed: allowed, used: &used)
                else { return nil }
                branches.append(prefix + [.fork(subs)])
            }
            k = end
        }
        return branches
    }

    /// The latest tensor (by producer position) that every input descends from.
    private func commonFork(of inputs: [String], entry: String, allowed: Set<Int>) -> String? {
        var common: Set<String>?
        for input in inputs {
            var seen = Set<String>()
            var stack = [input]
            while let t = stack.popLast() {
                guard seen.insert(t).inserted, t != entry else { continue }
                guard let p = producer[t], allowed.contains(p) else { continue }
                stack.append(contentsOf: ops[p].inputs)
            }
            common = common.map { $0.intersection(seen) } ?? seen
        }
        guard let common, !common.isEmpty else { return nil }
        return common.max { position($0) < position($1) }
    }

    private func position(_ t: String) -> Int { producer[t] ?? -1 }

    static func ops(in pieces: [Piece]) -> [Int] {
        pieces.flatMap { piece -> [Int] in
            switch piece {
            case .op(let i): return [i]
            case .merge(let i, let branches): return branches.flatMap { ops(in: $0) } + [i]
            case .fork(let branches): return branches.flatMap { ops(in: $0) }
            }
        }
    }
}
