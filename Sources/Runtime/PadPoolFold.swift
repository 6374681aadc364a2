import Kernels
import ONNXIR

/// Plan pass: a constant zero `Pad` of the spatial axes whose only reader is a `MaxPool`, over a
/// tensor that is never negative (a convolution fused with Relu, or with a Clip whose lower bound
/// is at least 0; a Relu node), becomes the MaxPool's own padding. The maximum over a window
/// with zeros in it equals the maximum over its inputs alone when those are all ≥ 0 and the
/// window holds at least one (each side's total pad below the window's extent). Keras' ResNets
/// export their stem pool as ZeroPadding2D + MaxPool: ResNet50's Pad wrote a 3.3 MB copy of the
/// stem's output (0.62–0.68 ms on one Emerald Rapids core) before a 0.29 ms pool, where the
/// padded pool takes 0.15–0.19 ms (`StrideTwoMaxPool`). Runs after `Fusion`.
enum PadPoolFold {
    static func apply(_ items: [PlanItem], constants: [String: TensorValue], protected: Set<String>) -> [PlanItem] {
        let readers = PlanItem.readerCounts(items)
        var producer: [String: Int] = [:]
        for (k, item) in items.enumerated() { for name in item.outputNames { producer[name] = k } }
        var replaced: [Int: PlanItem] = [:]
        var removed = Set<Int>()
        for (k, item) in items.enumerated() {
            guard case .node(let pool) = item, pool.attributes.op == "MaxPool", pool.node.outputs.count == 1,
                  let padded = pool.node.inputs.first, let j = producer[padded], j < k, !removed.contains(j),
                  readers[padded] == 1, !protected.contains(padded),
                  case .node(let pad) = items[j], pad.node.outputs.count == 1,
                  let extra = Fusion.spatialZeroPad(pad, constants: constants),
                  let source = pad.node.inputs.first, let p = producer[source], neverNegative(items[p], source),
                  let folded = foldedPool(pool, input: source, extra: extra) else { continue }
            replaced[k] = .node(folded)
            removed.insert(j)
        }
        return items.enumerated().compactMap { k, item in removed.contains(k) ? nil : (replaced[k] ?? item) }
    }

    /// Whether `item`'s output `name` cannot hold a negative value (NaN aside).
    static func neverNegative(_ item: PlanItem, _ name: String) -> Bool {
        switch item {
        case .fusedConvolution(let f):
            guard f.output == name else { return false }
            switch f.convolution.activation {
            case .relu: return true
            case .clip(let lower, _): return lower >= 0
            default: return false
            }
        case .node(let c):
            return c.attributes.op == "Relu" && c.node.outputs.first == name
        default:
            return false
        }
    }

    /// `pool` reading `input` with `extra` (ONNX order, spatial axes) added to its pads, or nil
    /// where the pads would not fold: auto_pad set, ceil mode (whose last window may start in
    /// the padding), another rank, or a window that could lie in the padding alone.
    static func foldedPool(_ pool: Planner.Checked, input: String, extra: [Int]) -> Planner.Checked? {
        let a = pool.attributes
        guard ["NOTSET", ""].contains(a.string("auto_pad", default: "NOTSET")), (try? a.int("ceil_mode")) ?? 0 == 0,
              let kernel = try? a.ints("kernel_shape"), 2 * kernel.count == extra.count else { return nil }
        let rank = kernel.count
        // Attributes that are there but unreadable stay the pool's to report: no fold.
        guard let own = a.has("pads") ? (try? a.ints("pads")) : Array(repeating: 0, count: 2 * rank),
              let dilations = a.has("dilations") ? (try? a.ints("dilations")) : Array(repeating: 1, count: rank),
              own.count == 2 * rank, dilations.count == rank else { return nil }
        let pads = zip(own, extra).map(+)
        for axis in 0..<rank {
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            if pads[axis] >= extent || pads[axis + rank] >= extent { return nil }
        }
        var node = pool.node
        node.inputs[0] = input
        node.attributes.removeAll { $0.name == "pads" }
        node.attributes.append(Attribute(name: "pads", type: .ints, ints: pads.map { Int64($0) }))
        return Planner.Checked(node: node, attributes: NodeAttributes(node: node, opset: a.opset), spec: pool.spec)
    }
}
