import Foundation
import ONNXIR

/// Activations with parameters: LeakyRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid,
/// HardSwish, Gelu, Mish, PRelu, Clip.
extension Operators {
    static let leakyRelu = OperatorDefinition("LeakyRelu", [floatUnary { node in
        let alpha = try node.float("alpha", default: 0.01)
        return { $0 >= 0 ? $0 : $0 * alpha }
    }])
    static let elu = OperatorDefinition("Elu", [floatUnary { node in
        let alpha = try node.float("alpha", default: 1)
        return { $0 >= 0 ? $0 : alpha * (expf($0) - 1) }
    }])
    static let selu = OperatorDefinition("Selu", [floatUnary { node in
        let alpha = try node.float("alpha", default: 1.67326319217681884765625)
        let gamma = try node.float("gamma", default: 1.05070102214813232421875)
        return { gamma * ($0 > 0 ? $0 : alpha * (expf($0) - 1)) }
    }])
    static let celu = OperatorDefinition("Celu", [floatUnary(opsets: 12...OperatorTable.newestOpset) { node in
        let alpha = try node.float("alpha", default: 1)
        return { Swift.max(0, $0) + Swift.min(0, alpha * (expf($0 / alpha) - 1)) }
    }])
    static let thresholdedRelu = OperatorDefinition("ThresholdedRelu", [floatUnary(opsets: 10...OperatorTable.newestOpset) { node in
        let alpha = try node.float("alpha", default: 1)
        return { $0 > alpha ? $0 : 0 }
    }])
    static let hardSigmoid = OperatorDefinition("HardSigmoid", [floatUnary { node in
        let alpha = try node.float("alpha", default: 0.2), beta = try node.float("beta", default: 0.5)
        return { Swift.max(0, Swift.min(1, alpha * $0 + beta)) }
    }])
    static let hardSwish = OperatorDefinition("HardSwish", [floatUnary(opsets: 14...OperatorTable.newestOpset) { _ in
        { $0 * Swift.max(0, Swift.min(1, $0 / 6 + 0.5)) }
    }])
    /// Gelu (opset 20): exact (erf) or the tanh approximation.
    static let gelu = OperatorDefinition("Gelu", [floatUnary(opsets: 20...OperatorTable.newestOpset) { node in
        switch node.string("approximate", default: "none") {
        case "none": return { 0.5 * $0 * (1 + erff($0 * Float(0.5).squareRoot())) }
        case "tanh":
            let k = Float(2 / Double.pi).squareRoot()
            return { 0.5 * $0 * (1 + tanhf(k * ($0 + 0.044715 * $0 * $0 * $0))) }
        case let other: throw node.invalid("unknown approximate '\(other)'")
        }
    }])
    static let mish = OperatorDefinition("Mish", [floatUnary(opsets: 18...OperatorTable.newestOpset) { _ in
        { $0 * tanhf(OperatorTable.softplus($0)) }
    }])
    /// PRelu: `slope` broadcasts to `x` (unidirectionally); before opset 7 a 1-D slope of
    /// `C` values applies per channel (axis 1).
    static let prelu = OperatorDefinition("PRelu", [
        OperatorSpec(inputs: 2...2, types: TypeRules.same(TypeRules.float)) { node, _ in
            { inputs, c in
                let x = try inputs[0]
                var slope = try inputs[1]
                if node.opset < 7, slope.rank == 1, x.rank >= 2, slope.count == x.shape[1], slope.count != x.shape.last {
                    slope = slope.reshaped([slope.count] + Array(repeating: 1, count: x.rank - 2))
                }
                let y = try Elementwise.binary(x, slope, as: Float.self, c) { $0 < 0 ? $0 * $1 : $0 }
                guard y.shape == x.shape else { throw KernelError("slope \(slope.shape) does not broadcast to \(x.shape)") }
                return [y]
            }
        },
    ])
    static let clip = OperatorDefinition("Clip", [
        // Opsets 6-10: bounds are attributes.
        floatUnary(opsets: OperatorTable.oldestOpset...10) { node in
            let lo = try node.float("min", default: -.greatestFiniteMagnitude)
            let hi = try node.float("max", default: .greatestFiniteMagnitude)
            return { Swift.min(Swift.max($0, lo), hi) }
        },
        // Opset 11+: optional `min` and `max` scalar inputs.
        OperatorSpec(opsets: 11...OperatorTable.newestOpset, inputs: 1...3, types: TypeRules.same(TypeRules.numeric)) { _, _ in
            { inputs, c in [try OperatorTable.clip(try inputs[0], lo: inputs.optional(1), hi: inputs.optional(2), c)] }
        },
    ])
}

extension OperatorTable {
    static func clip(_ x: TensorValue, lo: TensorValue?, hi: TensorValue?, _ c: ExecutionContext) throws -> TensorValue {
        for bound in [lo, hi] { if let b = bound, b.count != 1 { throw KernelError("min and max must be scalars") } }
        switch x.elementType {
        case .float:
            let l = lo?.floats[0] ?? -.infinity, h = hi?.floats[0] ?? .infinity
            return Elementwise.unary(x, from: Float.self, to: Float.self, type: .float, c) { Swift.min(Swift.max($0, l), h) }
        case .int64:
            let l = lo?.int64s[0] ?? .min, h = hi?.int64s[0] ?? .max
            return Elementwise.unary(x, from: Int64.self, to: Int64.self, type: .int64, c) { Swift.min(Swift.max($0, l), h) }
        default:
            let l = lo?.int32s[0] ?? .min, h = hi?.int32s[0] ?? .max
            return Elementwise.unary(x, from: Int32.self, to: Int32.self, type: .int32, c) { Swift.min(Swift.max($0, l), h) }
        }
    }
}
