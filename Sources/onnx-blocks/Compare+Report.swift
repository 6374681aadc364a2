import Runtime

/// `compare --json`'s document: the rule applied, then one record per tensor.
extension Compare {
    struct TensorRecord: Encodable {
        var name: String
        var shape: [Int]
        var referenceShape: [Int]
        var maxAbsError: Double
        var maxRelError: Double
        var worstIndex: [Int]
        var pass: Bool
        var problem: String?

        init(_ c: TensorComparison) {
            name = c.name
            shape = c.shape
            referenceShape = c.referenceShape
            maxAbsError = c.maxAbsoluteError
            maxRelError = c.maxRelativeError
            worstIndex = c.worstIndex
            pass = c.passed
            problem = c.problem
        }
    }

    struct Report: Encodable {
        var equivalent: Bool
        var rule: String
        var formula: String
        var rtol: Double
        var atol: Double
        var tensors: [TensorRecord]
        var firstDivergence: String?
    }
}
