import ONNXIR

/// One tensor compared with a reference under an ``EquivalenceRule`` (b is the reference):
/// shape and type checks first, then the rule's element errors.
public struct TensorComparison: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var referenceShape: [Int]
    public var maxAbsoluteError: Double
    public var maxRelativeError: Double
    /// Where the rule is violated most (error / allowed error is largest), as a multi-index.
    public var worstIndex: [Int]
    public var passed: Bool
    /// Why it failed without element errors (shape or type mismatch).
    public var problem: String?
    /// The rule the tensor was judged by.
    public var rule: EquivalenceRule

    /// Compared under the elementwise rule with these tolerances.
    public init(name: String, actual a: TensorValue, reference b: TensorValue, rtol: Double, atol: Double) {
        self.init(name: name, actual: a, reference: b, rule: EquivalenceRule(atol: atol, rtol: rtol))
    }

    public init(name: String, actual a: TensorValue, reference b: TensorValue, rule: EquivalenceRule) {
        self.name = name
        self.rule = rule
        shape = a.shape
        referenceShape = b.shape
        maxAbsoluteError = 0
        maxRelativeError = 0
        worstIndex = []
        problem = nil
        passed = true
        if a.shape != b.shape {
            problem = "shape \(a.shape) differs from the reference \(b.shape)"
            passed = false
            return
        }
        let numericTypes: Set<ElementType> = [.float, .int32, .int64, .bool]
        if a.elementType != b.elementType && !(numericTypes.contains(a.elementType) && numericTypes.contains(b.elementType)) {
            problem = "element type \(a.elementType) differs from the reference \(b.elementType)"
            passed = false
            return
        }
        if a.elementType != b.elementType {
            problem = "element type \(a.elementType) differs from the reference \(b.elementType)"
            passed = false
        }
        let x = a.elementType == .float ? nil : a.integerArray()
        let y = b.elementType == .float ? nil : b.integerArray()
        let errors = rule.measure(
            count: a.count,
            actual: { i in x.map { Double($0[i]) } ?? Double(a.floats[i]) },
            reference: { i in y.map { Double($0[i]) } ?? Double(b.floats[i]) })
        maxAbsoluteError = errors.maxAbsoluteError
        maxRelativeError = errors.maxRelativeError
        if !errors.passed { passed = false }
        let worstFlat = errors.worstFlatIndex
        var rest = worstFlat
        var index = [Int](repeating: 0, count: a.rank)
        for k in stride(from: a.rank - 1, through: 0, by: -1) where a.shape[k] > 0 {
            index[k] = rest % a.shape[k]
            rest /= a.shape[k]
        }
        worstIndex = a.count > 0 ? index : []
    }
}
