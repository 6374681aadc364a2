import Foundation
import ONNXIR

/// Add, Sub, Mul, Div, Sum and the unary activations, Identity, Dropout, Cast.
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

    static func binaryRow(_ op: Arithmetic) -> OperatorSpec {
        OperatorSpec(opsets: all, inputs: 2...2, types: TypeRules.same(TypeRules.numeric)) { node, _ in
            // Opset 6: B broadcasts only with broadcast=1, its dims aligned at `axis` of A.
            let legacyAxis: Int? = try node.opset < 7 && node.int("broadcast", default: 0) == 1 ? node.int("axis") : nil
            return { inputs, c in
                var b = inputs[1]!
                let a = inputs[0]!
                if let axisAttribute = legacyAxis {
                    let start = axisAttribute < 0 ? axisAttribute + a.rank : axisAttribute
                    guard start >= 0, start + b.rank <= a.rank else { throw KernelError("B \(b.shape) cannot align at axis \(axisAttribute) of A \(a.shape)") }
                    b = b.reshaped(Array(repeating: 1, count: start) + b.shape + Array(repeating: 1, count: a.rank - start - b.rank))
                }
                return [try arithmetic(a, b, op, c)]
            }
        }
    }

    static func floatUnary(_ makeOp: @escaping (NodeAttributes) throws -> (Float) -> Float) -> OperatorSpec {
        OperatorSpec(opsets: all, inputs: 1...1, types: TypeRules.same(TypeRules.float)) { node, _ in
            let op = try makeOp(node)
            return { inputs, c in [Elementwise.unary(inputs[0]!, from: Float.self, to: Float.self, type: .float, c, op)] }
        }
    }

    static func elementwiseOperators() -> [String: [OperatorSpec]] {
        [
            "Add": [binaryRow(.add)],
            "Sub": [binaryRow(.sub)],
            "Mul": [binaryRow(.mul)],
            "Div": [binaryRow(.div)],
            "Sum": [OperatorSpec(opsets: all, inputs: 1...Int.max, types: TypeRules.same(TypeRules.float)) { _, _ in
                { inputs, c in
                    var acc = inputs[0]!
                    if inputs.count == 1 { return [acc] }
                    for k in 1..<inputs.count { acc = try arithmetic(acc, inputs[k]!, .add, c) }
                    return [acc]
                }
            }],
            "Relu": [floatUnary { _ in { max($0, 0) } }],
            "Sigmoid": [floatUnary { _ in { x in x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) } }],
            "Tanh": [floatUnary { _ in { tanhf($0) } }],
            "LeakyRelu": [floatUnary { node in
                let alpha = try node.float("alpha", default: 0.01)
                return { $0 >= 0 ? $0 : $0 * alpha }
            }],
            "Clip": [
                // Opsets 7-10: bounds are attributes.
                OperatorSpec(opsets: oldestOpset...10, inputs: 1...1, types: TypeRules.same(TypeRules.float)) { node, _ in
                    let lo = try node.float("min", default: -.greatestFiniteMagnitude)
                    let hi = try node.float("max", default: .greatestFiniteMagnitude)
                    return { inputs, c in [Elementwise.unary(inputs[0]!, from: Float.self, to: Float.self, type: .float, c) { min(max($0, lo), hi) }] }
                },
                // Opset 11+: optional `min` and `max` scalar inputs.
                OperatorSpec(opsets: 11...newestOpset, inputs: 1...3, types: TypeRules.same(TypeRules.numeric)) { _, _ in
                    { inputs, c in [try clip(inputs, c)] }
                },
            ],
            "Identity": [OperatorSpec(opsets: all, inputs: 1...1, types: TypeRules.same(TypeRules.all)) { _, _ in
                { inputs, _ in [inputs[0]!] }
            }],
            "Dropout": [
                OperatorSpec(opsets: all, inputs: 1...3, outputs: 1...2, types: { node, types in
                    guard let t = types[0], t == .float else { throw TypeRuleError.input(0) }
                    try TypeRules.require(types, 1, TypeRules.float)
                    try TypeRules.require(types, 2, [.bool])
                    return [t, .bool]
                }) { node, _ in
                    if node.opset < 7, try node.int("is_test", default: 0) == 0 { throw node.invalid("training mode is not supported (inference only)") }
                    let defaultRatio = try node.float("ratio", default: 0.5)
                    return { inputs, c in
                        let x = inputs[0]!
                        // Training mode is deterministic only with ratio 0 (nothing dropped).
                        if inputs.count > 2, let training = inputs[2], training.count > 0, training.bools[0] != 0 {
                            let ratio = inputs.count > 1 ? inputs[1].map { $0.floats[0] } ?? 0.5 : (node.opset >= 12 ? 0.5 : defaultRatio)
                            if ratio != 0 { throw KernelError("random dropout (training mode, ratio \(ratio)) is not supported; inference only") }
                        }
                        let mask = c.output(x.shape, .bool)
                        memset(mask.raw, 1, x.count)
                        return [x, mask]
                    }
                },
            ],
            "Cast": [OperatorSpec(opsets: all, inputs: 1...1, types: { node, types in
                guard let t = types[0], TypeRules.all.contains(t) else { throw TypeRuleError.input(0) }
                let to = ElementType(rawValue: Int32(try node.int("to", default: 0)))
                guard TypeRules.all.contains(to) else { throw TypeRuleError.output(to) }
                return [to]
            }) { node, _ in
                let to = ElementType(rawValue: Int32(try node.int("to", default: 0)))
                return { inputs, c in [cast(inputs[0]!, to: to, c)] }
            }],
        ]
    }

    static func clip(_ inputs: [TensorValue?], _ c: ExecutionContext) throws -> TensorValue {
        let x = inputs[0]!
        let lo = inputs.count > 1 ? inputs[1] : nil
        let hi = inputs.count > 2 ? inputs[2] : nil
        for bound in [lo, hi] { if let b = bound, b.count != 1 { throw KernelError("min and max must be scalars") } }
        switch x.elementType {
        case .float:
            let l = lo?.floats[0] ?? -.infinity, h = hi?.floats[0] ?? .infinity
            return Elementwise.unary(x, from: Float.self, to: Float.self, type: .float, c) { min(max($0, l), h) }
        case .int64:
            let l = lo?.int64s[0] ?? .min, h = hi?.int64s[0] ?? .max
            return Elementwise.unary(x, from: Int64.self, to: Int64.self, type: .int64, c) { min(max($0, l), h) }
        default:
            let l = lo?.int32s[0] ?? .min, h = hi?.int32s[0] ?? .max
            return Elementwise.unary(x, from: Int32.self, to: Int32.self, type: .int32, c) { min(max($0, l), h) }
        }
    }

    /// Float to integer saturates and maps NaN to 0 (the spec leaves these undefined; no trap).
    static func cast(_ x: TensorValue, to: ElementType, _ c: ExecutionContext) -> TensorValue {
        if x.elementType == to { return x }
        @inline(__always) func saturate<I: FixedWidthInteger>(_ v: Float, _: I.Type) -> I {
            if v.isNaN { return 0 }
            if v <= Float(I.min) { return I.min }
            if v >= Float(I.max) { return I.max }
            return I(v)
        }
        switch (x.elementType, to) {
        case (.float, .int32): return Elementwise.unary(x, from: Float.self, to: Int32.self, type: to, c) { saturate($0, Int32.self) }
        case (.float, .int64): return Elementwise.unary(x, from: Float.self, to: Int64.self, type: to, c) { saturate($0, Int64.self) }
        case (.float, .bool): return Elementwise.unary(x, from: Float.self, to: UInt8.self, type: to, c) { $0 != 0 ? 1 : 0 }
        case (.int32, .float): return Elementwise.unary(x, from: Int32.self, to: Float.self, type: to, c) { Float($0) }
        case (.int32, .int64): return Elementwise.unary(x, from: Int32.self, to: Int64.self, type: to, c) { Int64($0) }
        case (.int32, .bool): return Elementwise.unary(x, from: Int32.self, to: UInt8.self, type: to, c) { $0 != 0 ? 1 : 0 }
        case (.int64, .float): return Elementwise.unary(x, from: Int64.self, to: Float.self, type: to, c) { Float($0) }
        case (.int64, .int32): return Elementwise.unary(x, from: Int64.self, to: Int32.self, type: to, c) { Int32(truncatingIfNeeded: $0) }
        case (.int64, .bool): return Elementwise.unary(x, from: Int64.self, to: UInt8.self, type: to, c) { $0 != 0 ? 1 : 0 }
        case (.bool, .float): return Elementwise.unary(x, from: UInt8.self, to: Float.self, type: to, c) { $0 != 0 ? 1 : 0 }
        case (.bool, .int32): return Elementwise.unary(x, from: UInt8.self, to: Int32.self, type: to, c) { $0 != 0 ? 1 : 0 }
        default: return Elementwise.unary(x, from: UInt8.self, to: Int64.self, type: to, c) { $0 != 0 ? 1 : 0 }
        }
    }
}
