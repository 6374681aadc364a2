import ONNXIR

/// One operator: its ONNX name and its rows, one per range of opsets whose semantics differ.
struct OperatorDefinition {
    var name: String
    var rows: [OperatorSpec]

    init(_ name: String, _ rows: [OperatorSpec]) {
        self.name = name
        self.rows = rows
    }
}

/// The operators, one named definition each (in the `OperatorTable+*.swift` files).
enum Operators {}

/// Every supported operator, registered in one list. Rows of one operator must not overlap
/// in opsets (a test checks), so the lookup is unambiguous.
enum OperatorTable {
    /// The newest default-domain opset the `onnx` package (1.23) knows.
    static let newestOpset = 28
    /// Opset 6 is accepted too: the onnx package's pytorch-converted models use it, and for
    /// these operators it differs from 7 only in the legacy `broadcast`/`is_test` attributes.
    static let oldestOpset = 6
    static let all = oldestOpset...newestOpset

    static let registered: [OperatorDefinition] = [
        // Arithmetic and math.
        Operators.add, Operators.sub, Operators.mul, Operators.div, Operators.power,
        Operators.sum, Operators.maximum, Operators.minimum, Operators.mean,
        Operators.neg, Operators.abs, Operators.sign, Operators.sqrt, Operators.exp, Operators.log,
        Operators.reciprocal, Operators.floor, Operators.ceil, Operators.round, Operators.erf,
        Operators.sin, Operators.cos,
        // Activations.
        Operators.relu, Operators.sigmoid, Operators.tanh, Operators.softplus, Operators.softsign,
        Operators.leakyRelu, Operators.elu, Operators.selu, Operators.celu, Operators.thresholdedRelu,
        Operators.hardSigmoid, Operators.hardSwish, Operators.gelu, Operators.mish, Operators.prelu, Operators.clip,
        // Logic.
        Operators.equal, Operators.less, Operators.lessOrEqual, Operators.greater, Operators.greaterOrEqual,
        Operators.not, Operators.and, Operators.or, Operators.xor, Operators.where,
        // Types and plumbing.
        Operators.identity, Operators.dropout, Operators.cast, Operators.castLike,
        Operators.constant, Operators.constantOfShape, Operators.expand, Operators.shape, Operators.size, Operators.pad,
        Operators.reshape, Operators.flatten, Operators.squeeze, Operators.unsqueeze, Operators.transpose,
        Operators.concat, Operators.split, Operators.slice, Operators.gather,
        // Neural network layers.
        Operators.conv, Operators.maxPool, Operators.averagePool, Operators.globalAveragePool, Operators.globalMaxPool,
        Operators.batchNormalization, Operators.lrn, Operators.layerNormalization, Operators.instanceNormalization,
        Operators.softmax, Operators.logSoftmax, Operators.gemm, Operators.matMul, Operators.resize,
        // Reductions.
        Operators.reduceSum, Operators.reduceMean, Operators.reduceMax, Operators.reduceMin, Operators.reduceProd,
        Operators.reduceL1, Operators.reduceL2, Operators.reduceSumSquare, Operators.reduceLogSum, Operators.reduceLogSumExp,
    ]

    static let specs: [String: [OperatorSpec]] = Dictionary(registered.map { ($0.name, $0.rows) }, uniquingKeysWith: +)

    /// The row for `op` at `opset`, or nil when unsupported.
    static func spec(op: String, opset: Int) -> OperatorSpec? {
        specs[op]?.first { $0.opsets.contains(opset) }
    }

    static var supportedOperators: [String] { specs.keys.sorted() }
}
