import Foundation
import ONNXIR

/// Identity, Dropout (inference), Cast and CastLike.
extension Operators {
    static let identity = OperatorDefinition("Identity", [
        OperatorSpec(inputs: 1...1, types: TypeRules.same(TypeRules.all)) { _, _ in { inputs, _ in [try inputs[0]] } },
    ])

    /// Dropout in inference: the input unchanged and an all-true mask. Training mode is
    /// deterministic only with ratio 0, and refused otherwise.
    static let dropout = OperatorDefinition("Dropout", [
        OperatorSpec(inputs: 1...3, outputs: 1...2, types: { _, types in
            guard let t = types[0], t == .float else { throw TypeRuleError.input(0) }
            try TypeRules.require(types, 1, TypeRules.float)
            try TypeRules.require(types, 2, [.bool])
            return [t, .bool]
        }) { node, _ in
            if node.opset < 7, try node.int("is_test", default: 0) == 0 { throw node.invalid("training mode is not supported (inference only)") }
            let defaultRatio = try node.float("ratio", default: 0.5)
            return { inputs, c in
                let x = try inputs[0]
                if let training = inputs.optional(2), training.count > 0, training.bools[0] != 0 {
                    let ratio = inputs.optional(1).map { $0.floats[0] } ?? (node.opset >= 12 ? 0.5 : defaultRatio)
                    if ratio != 0 { throw KernelError("random dropout (training mode, ratio \(ratio)) is not supported; inference only") }
                }
                let mask = c.output(x.shape, .bool)
                memset(mask.raw, 1, x.count)
                return [x, mask]
            }
        },
    ])

    static let cast = OperatorDefinition("Cast", [
        OperatorSpec(inputs: 1...1, types: { node, types in
            guard let t = types[0], TypeRules.all.contains(t) else { throw TypeRuleError.input(0) }
            let to = ElementType(rawValue: Int32(try node.int("to", default: 0)))
            guard TypeRules.all.contains(to) else { throw TypeRuleError.output(to) }
            return [to]
        }) { node, _ in
            let to = ElementType(rawValue: Int32(try node.int("to", default: 0)))
            return { inputs, c in [OperatorTable.cast(try inputs[0], to: to, c)] }
        },
    ])

    /// CastLike (opset 15): Cast to the element type of the second input.
    static let castLike = OperatorDefinition("CastLike", [
        OperatorSpec(opsets: 15...OperatorTable.newestOpset, inputs: 2...2, types: { _, types in
            guard let t = types[0], TypeRules.all.contains(t) else { throw TypeRuleError.input(0) }
            guard let target = types[1], TypeRules.all.contains(target) else { throw TypeRuleError.input(1) }
            return [target]
        }) { _, _ in
            { inputs, c in [OperatorTable.cast(try inputs[0], to: try inputs[1].elementType, c)] }
        },
    ])
}

extension OperatorTable {
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
