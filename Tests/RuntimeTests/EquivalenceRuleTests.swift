import Runtime
import Testing

/// The one tolerance rule, checked on cases whose answer is computed by hand from the formulas
/// `|a − b| ≤ atol + rtol·|b|` (elementwise) and `|a − b| ≤ atol + rtol·max|b|` (scale).
@Suite struct EquivalenceRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var rule: EquivalenceRule
        var actual: [Float]
        var reference: [Float]
        var passes: Bool
        var worst: Int
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        // allowed 1e-5 + 1e-4·1 = 1.1e-4; error 1e-4 passes.
        Case(label: "elementwise inside", rule: .standard, actual: [1.0001, 2], reference: [1, 2], passes: true, worst: 0),
        // allowed at b = 0 is atol = 1e-5; error 2e-5 fails there, not at the large element.
        Case(label: "elementwise near zero", rule: .standard, actual: [0.00002, 500.01], reference: [0, 500], passes: false, worst: 0),
        // Logits of magnitude ~500 (torchvision ResNet-50), error 1.4e-4 on a small logit:
        // elementwise allows 1e-5 + 1e-4·0.1 = 2e-5 -> fails.
        Case(label: "logits elementwise", rule: .standard, actual: [0.10014, -480, 512], reference: [0.1, -480, 512], passes: false, worst: 0),
        // scale allows 1e-5 + 1e-4·512 = 0.05121 -> passes.
        Case(label: "logits scale", rule: EquivalenceRule(mode: .scale), actual: [0.10014, -480, 512], reference: [0.1, -480, 512], passes: true, worst: 0),
        // scale: max|b| = 10, allowed 1e-5 + 1e-4·10 = 1.001e-3; error 2e-3 at index 1 fails.
        Case(label: "scale outside", rule: EquivalenceRule(mode: .scale), actual: [10, 1.002], reference: [10, 1], passes: false, worst: 1),
        // NaN matches NaN; infinities must agree; they do not set the scale.
        Case(label: "nan and inf agree", rule: EquivalenceRule(mode: .scale), actual: [.nan, .infinity, 1], reference: [.nan, .infinity, 1], passes: true, worst: 0),
        Case(label: "inf differs", rule: .standard, actual: [1, .infinity], reference: [1, -.infinity], passes: false, worst: 1),
        Case(label: "zero tolerance exact", rule: EquivalenceRule(atol: 0, rtol: 0), actual: [3, 4], reference: [3, 4], passes: true, worst: 0),
        Case(label: "zero tolerance off by ulp", rule: EquivalenceRule(atol: 0, rtol: 0), actual: [3, 4.0000005], reference: [3, 4], passes: false, worst: 1),
    ]

    @Test(arguments: cases) func measure(_ c: Case) {
        let e = c.rule.measure(c.actual, reference: c.reference)
        #expect(e.passed == c.passes)
        #expect(e.worstFlatIndex == c.worst)
    }

    @Test func scaleIsTheLargestFiniteReferenceMagnitude() {
        let e = EquivalenceRule(mode: .scale).measure([1, 2, 3], reference: [-7, .infinity, 3])
        #expect(e.referenceScale == 7)
        #expect(EquivalenceRule.standard.measure([1], reference: [-7]).referenceScale == 0)
    }

    @Test func errorsAreTheLargestAbsoluteAndRelative() {
        let e = EquivalenceRule.standard.measure([1.5, 10.25], reference: [1, 10])
        #expect(e.maxAbsoluteError == 0.5)
        #expect(e.maxRelativeError == 0.5)
    }

    @Test func unequalLengthsNeverPass() {
        let e = EquivalenceRule.standard.measure([1, 2], reference: [1])
        #expect(!e.passed && e.worstFlatIndex == -1)
    }

    @Test func descriptionNamesModeAndNumbers() {
        #expect(EquivalenceRule.standard.description == "elementwise |a − b| ≤ 1e-05 + 0.0001·|b|")
        #expect(EquivalenceRule(atol: 0.001, rtol: 0.01, mode: .scale).description == "scale |a − b| ≤ 0.001 + 0.01·max|b|")
    }

    @Test func tensorComparisonAppliesTheRule() {
        let a = TensorValue(shape: [1, 3], floats: [0.10014, -480, 512])
        let b = TensorValue(shape: [1, 3], floats: [0.1, -480, 512])
        let strict = TensorComparison(name: "logits", actual: a, reference: b, rtol: 1e-4, atol: 1e-5)
        let scaled = TensorComparison(name: "logits", actual: a, reference: b, rule: EquivalenceRule(mode: .scale))
        #expect(!strict.passed && strict.worstIndex == [0, 0] && strict.rule.mode == .elementwise)
        #expect(scaled.passed && scaled.rule.mode == .scale)
    }
}
