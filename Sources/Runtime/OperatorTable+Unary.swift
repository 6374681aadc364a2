import Foundation
import ONNXIR

/// Elementwise math without parameters: Neg, Abs, Sign, Sqrt, Exp, Log, Reciprocal, Floor,
/// Ceil, Round, Erf, Sin, Cos, Relu, Sigmoid, Tanh, Softplus, Softsign.
extension Operators {
    static let neg = OperatorDefinition("Neg", [signedUnary(float: { -$0 }, int32: { 0 &- $0 }, int64: { 0 &- $0 })])
    static let abs = OperatorDefinition("Abs", [signedUnary(float: { Swift.abs($0) }, int32: { $0 < 0 ? 0 &- $0 : $0 }, int64: { $0 < 0 ? 0 &- $0 : $0 })])
    static let sign = OperatorDefinition("Sign", [signedUnary(float: { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }, int32: { $0.signum() }, int64: { $0.signum() })])
    static let sqrt = OperatorDefinition("Sqrt", [vectorFloatUnary { $0.squareRoot() }])
    static let exp = OperatorDefinition("Exp", [floatUnary { _ in { Foundation.expf($0) } }])
    static let log = OperatorDefinition("Log", [floatUnary { _ in { Foundation.logf($0) } }])
    static let reciprocal = OperatorDefinition("Reciprocal", [vectorFloatUnary { 1 / $0 }])
    static let floor = OperatorDefinition("Floor", [vectorFloatUnary { $0.rounded(.down) }])
    static let ceil = OperatorDefinition("Ceil", [vectorFloatUnary { $0.rounded(.up) }])
    /// Round: halves go to the even neighbour.
    static let round = OperatorDefinition("Round", [vectorFloatUnary { $0.rounded(.toNearestOrEven) }])
    /// Erf through `VectorMath.erf` (GELU in ConvNeXt spent a fifth of its time in libm's erff).
    static let erf = OperatorDefinition("Erf", [vectorFloatUnary { VectorMath.erf($0) }])
    static let sin = OperatorDefinition("Sin", [floatUnary { _ in { Foundation.sinf($0) } }])
    static let cos = OperatorDefinition("Cos", [floatUnary { _ in { Foundation.cosf($0) } }])
    /// Relu where it is not fused into a convolution: 16 lanes at a time (a closure call per
    /// element took 2 ns, 1.6 ms on a 64 × 112 × 112 map); NaN stays NaN and −0 becomes 0, as
    /// in `Swift.max(x, 0)`.
    static let relu = OperatorDefinition("Relu", [vectorFloatUnary { $0.replacing(with: 0, where: $0 .<= 0) }])
    /// Sigmoid through the vector exponential (`VectorMath`).
    static let sigmoid = OperatorDefinition("Sigmoid", [vectorFloatUnary { VectorMath.sigmoid($0) }])
    static let tanh = OperatorDefinition("Tanh", [floatUnary { _ in { Foundation.tanhf($0) } }])
    /// Softplus `log(1 + e^x)`, stable for large |x|.
    static let softplus = OperatorDefinition("Softplus", [floatUnary { _ in { OperatorTable.softplus($0) } }])
    static let softsign = OperatorDefinition("Softsign", [vectorFloatUnary { $0 / (1 + $0.replacing(with: -$0, where: $0 .< 0)) }])

    /// A float-only map whose closure is made once from the node's attributes.
    static func floatUnary(opsets: ClosedRange<Int> = OperatorTable.all, _ makeOp: @escaping (NodeAttributes) throws -> (Float) -> Float) -> OperatorSpec {
        OperatorSpec(opsets: opsets, inputs: 1...1, types: TypeRules.same(TypeRules.float)) { node, _ in
            let op = try makeOp(node)
            return { inputs, c in [Elementwise.unary(try inputs[0], from: Float.self, to: Float.self, type: .float, c, op)] }
        }
    }

    /// A float-only map written for 16 lanes at a time (`VectorMath`), split over threads: for
    /// the maps SIMD has (Relu, Sqrt, Floor, Ceil, Round, Reciprocal, Softsign) and the vector
    /// ones of `VectorMath`, where `floatUnary` would call its closure per element.
    static func vectorFloatUnary(_ op: @escaping (SIMD16<Float>) -> SIMD16<Float>) -> OperatorSpec {
        OperatorSpec(inputs: 1...1, types: TypeRules.same(TypeRules.float)) { _, _ in
            { inputs, c in
                let x = try inputs[0]
                let out = c.output(x.shape)
                let source = UnsafePointer(x.floats), target = out.floats
                c.parallelFor((x.count + 15) / 16, cost: 64) { blocks in
                    let lo = blocks.lowerBound * 16, hi = Swift.min(x.count, blocks.upperBound * 16)
                    if lo < hi { VectorMath.map(source + lo, target + lo, count: hi - lo, op) }
                }
                return [out]
            }
        }
    }

    /// A map over float, int32 and int64 (integer forms wrap instead of trapping).
    static func signedUnary(float: @escaping (Float) -> Float, int32: @escaping (Int32) -> Int32, int64: @escaping (Int64) -> Int64) -> OperatorSpec {
        OperatorSpec(inputs: 1...1, types: TypeRules.same(TypeRules.numeric)) { _, _ in
            { inputs, c in
                let x = try inputs[0]
                switch x.elementType {
                case .float: return [Elementwise.unary(x, from: Float.self, to: Float.self, type: .float, c, float)]
                case .int32: return [Elementwise.unary(x, from: Int32.self, to: Int32.self, type: .int32, c, int32)]
                default: return [Elementwise.unary(x, from: Int64.self, to: Int64.self, type: .int64, c, int64)]
                }
            }
        }
    }
}

extension OperatorTable {
    @inline(__always)
    static func softplus(_ x: Float) -> Float {
        x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x))
    }
}
