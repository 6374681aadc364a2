import Kernels
import ONNXIR
/// A Conv with what followed it folded in: BatchNormalization (into the weights), a
/// per-channel constant Add (into the bias), a residual Add and an activation (epilogue).
struct FusedConvolution {
    var name: String
    var ops: [String]
    var convolution: Convolution
    var input: String
    var residual: String?
    var output: String

    /// A 1×1, stride-1, unpadded, ungrouped convolution of constant weights with no residual:
    /// one matrix product per pixel (what `SiblingMerge` stacks and `PoolReorder` moves).
    var isPlainPointwise: Bool {
        let c = convolution
        return residual == nil && !ops.contains("Pad") && c.group == 1 && c.weights.rank == 4
            && c.weights.shape[2] == 1 && c.weights.shape[3] == 1
            && (c.strides ?? [1, 1]).allSatisfy { $0 == 1 } && (c.pads ?? [0, 0, 0, 0]).allSatisfy { $0 == 0 }
            && ["NOTSET", "", "VALID"].contains(c.autoPad)
    }

    func kernel() -> Kernel {
        let conv = convolution
        return { inputs, c in
            let x = inputs[0]!
            let residual = inputs.count > 1 ? inputs[1] : nil
            if let residual, residual.shape != (try? conv.outputShape(x)) {
                // A broadcasting residual: convolve plainly, then add and activate.
                let y = try conv.run(x, residual: nil, activation: Activation.none, c)
                let sum = try OperatorTable.arithmetic(y, residual, .add, c)
                let activation = conv.activation
                Elementwise.applyInPlace(sum, c) { activation.apply($0) }
                return [sum]
            }
            return [try conv.run(x, residual: residual, c)]
        }
    }
}
