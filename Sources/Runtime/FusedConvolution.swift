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
