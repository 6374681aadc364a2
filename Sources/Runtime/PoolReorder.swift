import ONNXIR

/// Plan pass: an AveragePool whose only reader is a fused pointwise convolution with fewer
/// output than input channels becomes one `PooledConvolution` (convolution first, then the
/// pool over fewer channels). Runs after `Fusion` (the convolution has its BatchNormalization,
/// bias and activation folded in) and before `SiblingMerge`.
enum PoolReorder {
    static func apply(_ items: [PlanItem], protected: Set<String>) throws -> [PlanItem] {
        let readers = PlanItem.readerCounts(items)
        var poolAt: [String: Int] = [:]
        for (k, item) in items.enumerated() {
            if case .node(let c) = item, c.attributes.op == "AveragePool", c.node.outputs.count == 1 { poolAt[c.node.outputs[0]] = k }
        }
        var replaced: [Int: PlanItem] = [:]
        var removed = Set<Int>()
        for (k, item) in items.enumerated() {
            guard case .fusedConvolution(let f) = item, f.isPlainPointwise, let j = poolAt[f.input], j < k,
                  readers[f.input] == 1, !protected.contains(f.input), case .node(let pool) = items[j],
                  pool.node.inputs.count == 1 else { continue }
            let weights = f.convolution.weights
            guard weights.rank == 4, weights.shape[0] < weights.shape[1] else { continue }
            let poolKernel = try pool.spec.build(pool.attributes, [nil])
            let pooled = PooledConvolution(
                name: f.name, ops: ["AveragePool"] + f.ops, input: pool.node.inputs[0], output: f.output,
                convolution: Convolution(pointwise: weights, bias: nil, activation: .none),
                bias: f.convolution.bias, activation: f.convolution.activation, pool: poolKernel,
                guarded: [pool.node])
            // The step takes the convolution's place (its input, the pool's, is ready there).
            replaced[k] = .pooledConvolution(pooled)
            removed.insert(j)
        }
        return items.enumerated().compactMap { k, item in removed.contains(k) ? nil : (replaced[k] ?? item) }
    }
}
