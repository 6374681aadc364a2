import ONNXIR

/// One tensor compared under the equivalence rule `|a − b| ≤ atol + rtol·|b|` (b is the
/// reference). NaN matches only NaN; infinities only the same infinity.
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

    public init(name: String, actual a: TensorValue, reference b: TensorValue, rtol: Double, atol: Double) {
        self.name = name
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
        var worst = -1.0
        var worstFlat = 0
        for i in 0..<a.count {
            let u = x.map { Double($0[i]) } ?? Double(a.floats[i])
            let v = y.map { Double($0[i]) } ?? Double(b.floats[i])
            var ratio: Double
            if u.isNaN || v.isNaN || u.isInfinite || v.isInfinite {
                let same = (u.isNaN && v.isNaN) || u == v
                ratio = same ? 0 : .infinity
                if !same { maxAbsoluteError = .infinity; maxRelativeError = .infinity }
            } else {
                let diff = abs(u - v)
                maxAbsoluteError = max(maxAbsoluteError, diff)
                if diff > 0 { maxRelativeError = max(maxRelativeError, v == 0 ? .infinity : diff / abs(v)) }
                let allowed = atol + rtol * abs(v)
                ratio = allowed > 0 ? diff / allowed : (diff > 0 ? .infinity : 0)
            }
            if ratio > 1 { passed = false }
            if ratio > worst { worst = ratio; worstFlat = i }
        }
        var rest = worstFlat
        var index = [Int](repeating: 0, count: a.rank)
        for k in stride(from: a.rank - 1, through: 0, by: -1) where a.shape[k] > 0 {
            index[k] = rest % a.shape[k]
            rest /= a.shape[k]
        }
        worstIndex = a.count > 0 ? index : []
    }
}
