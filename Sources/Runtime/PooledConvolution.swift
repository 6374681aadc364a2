import Kernels
import ONNXIR

/// An AveragePool feeding a pointwise convolution, run in the other order: the 1×1 first
/// (without bias or activation), then the pool over its fewer channels, then bias and
/// activation (`PoolReorder`).
///
/// Both are linear in the pixels they combine: each pooled pixel is a fixed weighted sum of
/// input pixels, and a 1×1 convolution maps every pixel alike, so
/// `conv(pool(x)) = pool(conv₀(x)) + bias` exactly in real arithmetic (with the float rounding
/// of a different summation order). Inception's pool branches (V3: 3×3 pools of 192-2048
/// channels into 32-320; V4: 384 → 96, 1024 → 128, 1536 → 256) then pool 4-8× fewer channels.
struct PooledConvolution {
    var name: String
    var ops: [String]
    /// The pool's input, and the convolution's (fused) output.
    var input: String
    var output: String
    /// The convolution without its bias and activation.
    var convolution: Convolution
    var bias: [Float]?
    var activation: Activation
    /// The AveragePool node's own kernel (its attributes: window, pads, count_include_pad).
    var pool: Kernel
    /// The nodes whose outputs this step materializes (for `MemoryBudget`).
    var guarded: [Node]

    func kernel() -> Kernel {
        let conv = convolution, pool = pool, bias = bias, activation = activation
        return { inputs, c in
            // The convolution's result is scratch; the pool's is the step's (and may be placed
            // in a Concat's output: `ConcatPlacement`, through `ExecutionContext.result`).
            var scratch = c
            scratch.destination = nil
            let mixed = try conv.run(inputs[0]!, residual: nil, activation: Activation.none, scratch)
            guard let pooled = try pool([mixed], c).first else { throw KernelError("the pool returned nothing") }
            guard pooled.rank >= 2, pooled.elementType == .float else { throw KernelError("pooled output \(pooled.shape)") }
            let batch = pooled.shape[0], channels = pooled.shape[1]
            let plane = pooled.count / max(batch * channels, 1)
            if bias != nil || activation != .none {
                let out = pooled.floats
                c.parallelFor(batch * channels, cost: plane) { planes in
                    for p in planes {
                        let row = out + p * plane
                        if let bias {
                            let b = bias[p % channels]
                            for i in 0..<plane { row[i] += b }
                        }
                        activation.apply(row, count: plane)
                    }
                }
            }
            return [pooled]
        }
    }
}
