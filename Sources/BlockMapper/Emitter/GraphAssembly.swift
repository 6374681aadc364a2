import ONNXIR

/// Collects nodes and initializers while the emitter walks a network, and keeps every node
/// and tensor name unique (a repeated name gets `_1`, `_2`, … as Keras does).
final class GraphAssembly {
    private(set) var nodes: [Node] = []
    private(set) var initializers: [Tensor] = []
    private var used: Set<String> = []

    func unique(_ name: String) -> String {
        if used.insert(name).inserted { return name }
        var i = 1
        while !used.insert("\(name)_\(i)").inserted { i += 1 }
        return "\(name)_\(i)"
    }

    /// Reserves a name that must stay exactly as given (graph inputs and outputs).
    func reserve(_ name: String) { used.insert(name) }

    func constant(_ name: String, dims: [Int], values: [Float]) -> String {
        let n = unique(name)
        initializers.append(Tensor(name: n, dims: dims.map(Int64.init), values: values))
        return n
    }

    func constant(_ name: String, dims: [Int], int64 values: [Int64]) -> String {
        let n = unique(name)
        initializers.append(Tensor(name: n, dims: dims.map(Int64.init), values: values))
        return n
    }

    /// Adds a node whose one output tensor carries the node's (unique) name, or `output`.
    @discardableResult
    func node(_ op: String, name: String, inputs: [String], attributes: [Attribute] = [], output: String? = nil) -> String {
        let n = unique(name)
        let out = output ?? n
        nodes.append(Node(opType: op, inputs: inputs, outputs: [out], name: n, attributes: attributes))
        return out
    }

    /// Renames the tensor `old` (produced by the last node) to `new`.
    func renameLastOutput(_ old: String, to new: String) -> Bool {
        guard let last = nodes.indices.last, nodes[last].outputs == [old] else { return false }
        if nodes.contains(where: { $0.inputs.contains(old) }) { return false }
        nodes[last].outputs = [new]
        return true
    }
}
