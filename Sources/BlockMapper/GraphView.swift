import Foundation
import ONNXIR

/// A dataflow view of a graph: who produces and who consumes each tensor, and which tensors
/// are constants (initializers or `Constant` outputs). Built once, read by every pass.
struct GraphView {
    let graph: Graph
    /// Tensor name → index of the producing node.
    private(set) var producer: [String: Int] = [:]
    /// Tensor name → indices of consuming nodes (a node listed once per use).
    private(set) var consumers: [String: [Int]] = [:]
    /// Constant tensors by name; `Constant` nodes contribute theirs.
    private(set) var constants: [String: Tensor] = [:]
    /// Constants made by `ConstantOfShape`: every element is this value.
    private(set) var fills: [String: Float] = [:]
    /// Tensor name → the `Constant` node that made it.
    private(set) var constantNode: [String: Int] = [:]
    let graphOutputs: Set<String>

    init(_ graph: Graph) {
        self.graph = graph
        for tensor in graph.initializers { if let name = tensor.name { constants[name] = tensor } }
        for (index, node) in graph.nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producer[output] = index }
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(index) }
            if node.opType == "Constant", let output = node.outputs.first,
               let value = node.attribute("value")?.t {
                constants[output] = value
                constantNode[output] = index
            }
            // `ConstantOfShape` of a constant shape (how the ONNX wheel's light models make weights):
            // kept as dims plus a fill value, materialized only when weights are read.
            if node.opType == "ConstantOfShape", let output = node.outputs.first, let shapeName = node.inputs.first,
               let dims = constants[shapeName].flatMap({ try? $0.integers() }), dims.count <= 8,
               dims.allSatisfy({ (0...(1 << 24)).contains($0) }) {
                let fill = node.attribute("value")?.t
                if fill == nil || fill?.dataType == .float, let value = fill == nil ? 0 : (try? fill!.floats())?.first {
                    constants[output] = Tensor(name: output, dims: dims, dataType: .float)
                    fills[output] = value
                    constantNode[output] = index
                }
            }
            // `Unsqueeze` of a constant (Caffe2 exports' per-channel scales, `[C]` → `[C,1,1]`):
            // the same values under new dims, so the consumer sees one constant.
            if node.opType == "Unsqueeze", let output = node.outputs.first, let source = node.inputs.first,
               var tensor = constants[source] {
                var axes = node.attribute("axes")?.ints ?? []
                if axes.isEmpty, node.inputs.count > 1, let given = constants[node.inputs[1]].flatMap({ try? $0.integers() }) { axes = given }
                let rank = tensor.dims.count + axes.count
                let normalized = Set(axes.map { $0 < 0 ? $0 + Int64(rank) : $0 })
                if !axes.isEmpty, normalized.count == axes.count, normalized.allSatisfy({ (0..<Int64(rank)).contains($0) }) {
                    var dims: [Int64] = []
                    var rest = tensor.dims.makeIterator()
                    for k in 0..<Int64(rank) { dims.append(normalized.contains(k) ? 1 : (rest.next() ?? 1)) }
                    tensor.dims = dims
                    tensor.name = output
                    constants[output] = tensor
                    if let fill = fills[source] { fills[output] = fill }
                    constantNode[output] = index
                }
            }
            // `Identity` of a constant (torch.onnx shares equal weights through one).
            if node.opType == "Identity", let output = node.outputs.first, let source = node.inputs.first,
               var tensor = constants[source] {
                tensor.name = output
                constants[output] = tensor
                if let fill = fills[source] { fills[output] = fill }
                constantNode[output] = index
            }
            // `Reshape` of a constant to a constant shape (Caffe2 exports reshape Gemm weights).
            if node.opType == "Reshape", node.inputs.count == 2, let output = node.outputs.first,
               var tensor = constants[node.inputs[0]], let shape = constants[node.inputs[1]].flatMap({ try? $0.integers() }),
               let count = try? tensor.elementCount(), let dims = Self.reshaped(tensor.dims, to: shape, count: count) {
                tensor.dims = dims
                tensor.name = output
                constants[output] = tensor
                if let fill = fills[node.inputs[0]] { fills[output] = fill }
                constantNode[output] = index
            }
        }
        graphOutputs = Set(graph.outputs.compactMap(\.name))
    }

    /// ONNX `Reshape` dims (`0` copies, one `-1` is inferred); nil when they do not fit `count`.
    static func reshaped(_ dims: [Int64], to shape: [Int64], count: Int) -> [Int64]? {
        guard shape.count <= 8, shape.filter({ $0 == -1 }).count <= 1 else { return nil }
        var out: [Int64] = []
        for (k, d) in shape.enumerated() {
            if d == 0 { guard k < dims.count else { return nil }; out.append(dims[k]) } else if d >= -1 { out.append(d) } else { return nil }
        }
        let known = out.filter { $0 != -1 }.reduce(Int64(1), *)
        if let k = out.firstIndex(of: -1) {
            guard known > 0, Int64(count) % known == 0 else { return nil }
            out[k] = Int64(count) / known
        }
        return out.reduce(Int64(1), *) == Int64(count) ? out : nil
    }

    func node(_ index: Int) -> Node { graph.nodes[index] }
    func isConstant(_ tensor: String) -> Bool { constants[tensor] != nil }
    func consumerCount(_ tensor: String) -> Int {
        (consumers[tensor]?.count ?? 0) + (graphOutputs.contains(tensor) ? 1 : 0)
    }

    /// The constant's dims and element count without decoding it.
    func constantElementCount(_ tensor: String) -> Int? {
        guard let t = constants[tensor] else { return nil }
        return try? t.elementCount()
    }

    /// A small constant's values as floats (scalars, per-channel vectors).
    func constantFloats(_ tensor: String) -> [Float]? {
        guard let t = constants[tensor] else { return nil }
        if let fill = fills[tensor] {
            guard let count = try? t.elementCount() else { return nil }
            return [Float](repeating: fill, count: count)
        }
        return try? t.floats()
    }

    func constantIntegers(_ tensor: String) -> [Int64]? {
        guard let t = constants[tensor] else { return nil }
        return try? t.integers()
    }
}
