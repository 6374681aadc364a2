import Foundation
import ONNXIR

/// Broadcasting arithmetic: Add, Sub, Mul, Div, Pow, and the variadic Sum, Max, Min, Mean.
extension Operators {
    /// Add (opset 6 with its legacy `broadcast`/`axis` attributes, 7+ numpy broadcasting).
    static let add = OperatorDefinition("Add", [binaryArithmetic(.add)])
    static let sub = OperatorDefinition("Sub", [binaryArithmetic(.sub)])
    static let mul = OperatorDefinition("Mul", [binaryArithmetic(.mul)])
    static let div = OperatorDefinition("Div", [binaryArithmetic(.div)])

    /// Pow: the result has the base's type; the exponent may have another numeric type (opset 12+).
    static let power = OperatorDefinition("Pow", [
        OperatorSpec(inputs: 2...2, types: { _, t in
            guard let base = t[0], TypeRules.numeric.contains(base) else { throw TypeRuleError.input(0) }
            try TypeRules.require(t, 1, TypeRules.numeric)
            return [base]
        }) { _, _ in
            { inputs, c in
                let base = try inputs[0], exponent = try inputs[1]
                let x = OperatorTable.cast(base, to: .float, c), y = OperatorTable.cast(exponent, to: .float, c)
                let p = try Elementwise.binary(x, y, as: Float.self, c) { Foundation.pow($0, $1) }
                return [OperatorTable.cast(p, to: base.elementType, c)]
            }
        },
    ])

    static let sum = OperatorDefinition("Sum", [variadic(TypeRules.float) { a, b, c in try OperatorTable.arithmetic(a, b, .add, c) }])
    static let maximum = OperatorDefinition("Max", [variadic(TypeRules.numeric) { a, b, c in try OperatorTable.extremum(a, b, greater: true, c) }])
    static let minimum = OperatorDefinition("Min", [variadic(TypeRules.numeric) { a, b, c in try OperatorTable.extremum(a, b, greater: false, c) }])
    static let mean = OperatorDefinition("Mean", [
        OperatorSpec(inputs: 1...Int.max, types: TypeRules.same(TypeRules.float)) { _, _ in
            { inputs, c in
                let values = try inputs.all()
                var acc = values[0]
                for v in values.dropFirst() { acc = try OperatorTable.arithmetic(acc, v, .add, c) }
                let scale = 1 / Float(values.count)
                return [Elementwise.unary(acc, from: Float.self, to: Float.self, type: .float, c) { $0 * scale }]
            }
        },
    ])

    static func binaryArithmetic(_ op: OperatorTable.Arithmetic) -> OperatorSpec {
        OperatorSpec(inputs: 2...2, types: TypeRules.same(TypeRules.numeric)) { node, _ in
            // Opset 6: B broadcasts only with broadcast=1, its dims aligned at `axis` of A.
            let legacyAxis: Int? = try node.opset < 7 && node.int("broadcast", default: 0) == 1 ? node.int("axis") : nil
            return { inputs, c in
                let a = try inputs[0]
                var b = try inputs[1]
                if let axisAttribute = legacyAxis {
                    let start = axisAttribute < 0 ? axisAttribute + a.rank : axisAttribute
                    guard start >= 0, start + b.rank <= a.rank else { throw KernelError("B \(b.shape) cannot align at axis \(axisAttribute) of A \(a.shape)") }
                    b = b.reshaped(Array(repeating: 1, count: start) + b.shape + Array(repeating: 1, count: a.rank - start - b.rank))
                }
                return [try OperatorTable.arithmetic(a, b, op, c)]
            }
        }
    }

    /// A variadic operator folding its inputs left to right with a broadcasting `combine`.
    static func variadic(_ allowed: Set<ElementType>, _ combine: @escaping (TensorValue, TensorValue, ExecutionContext) throws -> TensorValue) -> OperatorSpec {
        OperatorSpec(inputs: 1...Int.max, types: TypeRules.same(allowed)) { _, _ in
            { inputs, c in
                let values = try inputs.all()
                var acc = values[0]
                for v in values.dropFirst() { acc = try combine(acc, v, c) }
                return [acc]
            }
        }
    }
}

extension OperatorTable {
    enum Arithmetic { case add, sub, mul, div }

    static func arithmetic(_ a: TensorValue, _ b: TensorValue, _ op: Arithmetic, _ c: ExecutionContext) throws -> TensorValue {
        switch (a.elementType, op) {
        case (.float, .add): return try Elementwise.binary(a, b, as: Float.self, c) { $0 + $1 }
        case (.float, .sub): return try Elementwise.binary(a, b, as: Float.self, c) { $0 - $1 }
        case (.float, .mul): return try Elementwise.binary(a, b, as: Float.self, c) { $0 * $1 }
        case (.float, .div): return try Elementwise.binary(a, b, as: Float.self, c) { $0 / $1 }
        case (.int64, _): return try integerArithmetic(a, b, op, as: Int64.self, c)
        default: return try integerArithmetic(a, b, op, as: Int32.self, c)
        }
    }

    /// Integer arithmetic wraps on overflow; division truncates toward zero and yields 0 for a
    /// zero divisor instead of trapping.
    static func integerArithmetic<T: FixedWidthInteger>(_ a: TensorValue, _ b: TensorValue, _ op: Arithmetic, as _: T.Type, _ c: ExecutionContext) throws -> TensorValue {
        switch op {
        case .add: return try Elementwise.binary(a, b, as: T.self, c) { $0 &+ $1 }
        case .sub: return try Elementwise.binary(a, b, as: T.self, c) { $0 &- $1 }
        case .mul: return try Elementwise.binary(a, b, as: T.self, c) { $0 &* $1 }
        case .div: return try Elementwise.binary(a, b, as: T.self, c) { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue }
        }
    }

    /// Elementwise max (`greater`) or min; a NaN operand gives NaN, as numpy's maximum does.
    static func extremum(_ a: TensorValue, _ b: TensorValue, greater: Bool, _ c: ExecutionContext) throws -> TensorValue {
        switch a.elementType {
        case .float:
            return try Elementwise.binary(a, b, as: Float.self, c) { x, y -> Float in
                if x.isNaN || y.isNaN { return Float.nan }
                return greater ? Swift.max(x, y) : Swift.min(x, y)
            }
        case .int64: return try Elementwise.binary(a, b, as: Int64.self, c) { greater ? Swift.max($0, $1) : Swift.min($0, $1) }
        default: return try Elementwise.binary(a, b, as: Int32.self, c) { greater ? Swift.max($0, $1) : Swift.min($0, $1) }
        }
    }
}
