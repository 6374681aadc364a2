import Blocks

/// One step of the simplified dataflow the recognizer works on: a conv with its folded pad,
/// a BN in any of its exported forms, an activation, a pool, a merge, or a head piece.
/// `nodes` are every graph node the step stands for (helper `Pad`, `Constant`, `Identity` …),
/// so that assigning steps to blocks assigns every node exactly once.
struct Op {
    enum Kind {
        case layer(Layer)
        /// Elementwise sum of two or more activations (`Add`, `Sum`).
        case add
        /// Channel concatenation (`Concat` on axis 1).
        case concat
        /// Multiplication by a scalar constant (explicit residual scale).
        case scale(Float)
        /// The NHWC → NCHW transpose at the input.
        case inputTranspose
        case globalPool(Head.Pooling)
        case flatten
        case dense(Dense)
        case softmax
        /// Anything else; the reason goes to `unassigned`.
        case unknown(String)
    }
    var kind: Kind
    /// Activation (non-constant) inputs, after folding pads and pass-throughs.
    var inputs: [String]
    var output: String
    var nodes: [Int]
    var shape: FeatureShape?
    /// The node whose output the op produces (set when the op is emitted).
    var primary: Int = -1

    var isMerge: Bool {
        switch kind {
        case .add, .concat: return inputs.count > 1
        default: return false
        }
    }
    var layer: Layer? { if case .layer(let l) = kind { return l }; return nil }
    var isNormOrActivation: Bool {
        switch layer {
        case .batchNorm?, .activation?: return true
        default: return false
        }
    }
    var isHeadPiece: Bool {
        switch kind {
        case .globalPool, .flatten, .dense, .softmax: return true
        default: return false
        }
    }
    var isUnknown: Bool { if case .unknown = kind { return true }; return false }
}
