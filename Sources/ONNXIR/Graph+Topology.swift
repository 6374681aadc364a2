/// Topological ordering of a graph's nodes, counting the values that subgraphs
/// (If/Loop/Scan bodies) take from this graph as inputs of the node that holds them.
extension Graph {
    /// This graph with its nodes reordered so each comes after the producers of its inputs.
    /// Stable: a graph already in order comes back unchanged, otherwise nodes keep their
    /// relative order wherever dependencies allow.
    /// - Parameter outerScope: names defined by enclosing graphs (for a subgraph).
    public func topologicallySorted(outerScope: Set<String> = []) throws(GraphOrderError) -> Graph {
        let order = try topologicalOrder(outerScope: outerScope)
        var sorted = self
        sorted.nodes = order.map { nodes[$0] }
        return sorted
    }

    /// Indices into `nodes` in a valid execution order (see `topologicallySorted`).
    public func topologicalOrder(outerScope: Set<String> = []) throws(GraphOrderError) -> [Int] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if producer[output] != nil { throw .duplicateOutput(node: node.displayName, output: output) }
                producer[output] = index
            }
        }
        var available = outerScope
        for input in inputs { if let name = input.name { available.insert(name) } }
        for tensor in initializers { if let name = tensor.name { available.insert(name) } }
        for sparse in sparseInitializers { if let name = sparse.values?.name { available.insert(name) } }

        var successors = [[Int]](repeating: [], count: nodes.count)
        var pending = [Int](repeating: 0, count: nodes.count)
        for (index, node) in nodes.enumerated() {
            var predecessors = Set<Int>()
            for name in node.consumedNames() where !name.isEmpty {
                if let p = producer[name] {
                    predecessors.insert(p)
                } else if !available.contains(name) {
                    throw .undefinedInput(node: node.displayName, input: name)
                }
            }
            pending[index] = predecessors.count
            for p in predecessors { successors[p].append(index) }
        }

        var ready = MinHeap(nodes.indices.filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popMin() {
            order.append(next)
            for s in successors[next] {
                pending[s] -= 1
                if pending[s] == 0 { ready.insert(s) }
            }
        }
        if order.count < nodes.count { throw .cycle(nodes: cycle(pending: pending, producer: producer)) }
        return order
    }

    /// A loop among the nodes left unsorted: walk from one to a still-pending producer
    /// until a node repeats (every pending node has one).
    private func cycle(pending: [Int], producer: [String: Int]) -> [String] {
        guard var current = pending.firstIndex(where: { $0 > 0 }) else { return [] }
        var visitedAt: [Int: Int] = [:]
        var walk: [Int] = []
        while visitedAt[current] == nil {
            visitedAt[current] = walk.count
            walk.append(current)
            let next = nodes[current].consumedNames().compactMap { producer[$0] }.first { pending[$0] > 0 }
            guard let next else { break }
            current = next
        }
        let loop = walk[(visitedAt[current] ?? 0)...]
        return loop.reversed().map { nodes[$0].displayName }
    }

    /// Names used inside this graph (and its subgraphs) that it does not define itself:
    /// what it takes from enclosing graphs.
    public func outerScopeNames() -> Set<String> {
        var defined = Set<String>()
        for input in inputs { if let name = input.name { defined.insert(name) } }
        for tensor in initializers { if let name = tensor.name { defined.insert(name) } }
        for sparse in sparseInitializers { if let name = sparse.values?.name { defined.insert(name) } }
        for node in nodes { defined.formUnion(node.outputs) }
        var used = Set<String>()
        for node in nodes { used.formUnion(node.consumedNames()) }
        used.remove("")
        return used.subtracting(defined)
    }
}

extension Node {
    /// Inputs plus the outer-scope names of every subgraph held in an attribute.
    func consumedNames() -> [String] {
        var names = inputs
        for attribute in attributes {
            if let g = attribute.g { names.append(contentsOf: g.outerScopeNames()) }
            for g in attribute.graphs { names.append(contentsOf: g.outerScopeNames()) }
        }
        return names
    }
}

/// A binary min-heap of node indices: ready nodes leave in their original order.
private struct MinHeap {
    private var items: [Int]
    init(_ items: [Int]) { self.items = items.sorted() }

    mutating func insert(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Int? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let minimum = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return minimum
    }
}
