import ONNXIR

/// Comparisons (bool results), boolean logic and Where.
extension Operators {
    static let equal = OperatorDefinition("Equal", [comparison(TypeRules.all) { $0 == .orderedSame }])
    static let less = OperatorDefinition("Less", [comparison(TypeRules.numeric) { $0 == .orderedAscending }])
    static let lessOrEqual = OperatorDefinition("LessOrEqual", [comparison(TypeRules.numeric) { $0 != .orderedDescending }])
    static let greater = OperatorDefinition("Greater", [comparison(TypeRules.numeric) { $0 == .orderedDescending }])
    static let greaterOrEqual = OperatorDefinition("GreaterOrEqual", [comparison(TypeRules.numeric) { $0 != .orderedAscending }])

    static let not = OperatorDefinition("Not", [
        OperatorSpec(inputs: 1...1, types: TypeRules.same([.bool])) { _, _ in
            { inputs, c in [Elementwise.unary(try inputs[0], from: UInt8.self, to: UInt8.self, type: .bool, c) { $0 == 0 ? 1 : 0 }] }
        },
    ])
    static let and = OperatorDefinition("And", [logical { $0 && $1 }])
    static let or = OperatorDefinition("Or", [logical { $0 || $1 }])
    static let xor = OperatorDefinition("Xor", [logical { $0 != $1 }])

    /// Where(condition, X, Y): three-way broadcast, X where the condition holds.
    static let `where` = OperatorDefinition("Where", [
        OperatorSpec(inputs: 3...3, types: { node, t in
            try TypeRules.require(t, 0, [.bool])
            guard let x = t[1], TypeRules.all.contains(x) else { throw TypeRuleError.input(1) }
            if let y = t[2], y != x { throw TypeRuleError.input(2) }
            return [x]
        }) { _, _ in
            { inputs, c in [try OperatorTable.select(try inputs[0], try inputs[1], try inputs[2], c)] }
        },
    ])

    /// A comparison yielding bool; `holds` reads the ordering of the two elements.
    static func comparison(_ allowed: Set<ElementType>, _ holds: @escaping (ElementOrder) -> Bool) -> OperatorSpec {
        OperatorSpec(inputs: 2...2, types: { node, t in
            _ = try TypeRules.same(allowed)(node, t)
            return [.bool]
        }) { _, _ in
            { inputs, c in
                let a = try inputs[0], b = try inputs[1]
                @inline(__always) func order<T: Comparable>(_ x: T, _ y: T) -> ElementOrder {
                    x < y ? .orderedAscending : x > y ? .orderedDescending : x == y ? .orderedSame : .orderedDescending
                }
                switch a.elementType {
                case .float:
                    // NaN compares false for every relation except "not equal".
                    return [try Elementwise.binary(a, b, as: Float.self, into: .bool, c) { x, y -> UInt8 in
                        if x.isNaN || y.isNaN { return 0 }
                        return holds(order(x, y)) ? 1 : 0
                    }]
                case .int32: return [try Elementwise.binary(a, b, as: Int32.self, into: .bool, c) { holds(order($0, $1)) ? UInt8(1) : 0 }]
                case .int64: return [try Elementwise.binary(a, b, as: Int64.self, into: .bool, c) { holds(order($0, $1)) ? UInt8(1) : 0 }]
                default: return [try Elementwise.binary(a, b, as: UInt8.self, into: .bool, c) { holds(order($0 != 0 ? 1 : 0, $1 != 0 ? 1 : 0)) ? UInt8(1) : 0 }]
                }
            }
        }
    }

    static func logical(_ op: @escaping (Bool, Bool) -> Bool) -> OperatorSpec {
        OperatorSpec(inputs: 2...2, types: TypeRules.same([.bool])) { _, _ in
            { inputs, c in [try Elementwise.binary(try inputs[0], try inputs[1], as: UInt8.self, c) { op($0 != 0, $1 != 0) ? UInt8(1) : 0 }] }
        }
    }
}

/// The ordering of two elements, as comparisons read it.
enum ElementOrder { case orderedAscending, orderedSame, orderedDescending }

extension OperatorTable {
    /// `condition ? x : y` with all three broadcast together.
    static func select(_ condition: TensorValue, _ x: TensorValue, _ y: TensorValue, _ c: ExecutionContext) throws -> TensorValue {
        let shape = try Broadcast.shape([condition.shape, x.shape, y.shape])
        let out = c.output(shape, x.elementType)
        if out.count == 0 { return out }
        let cond = broadcastCopy(condition, to: shape, c), a = broadcastCopy(x, to: shape, c), b = broadcastCopy(y, to: shape, c)
        let w = x.byteWidth
        let flags = cond.bools
        for i in 0..<out.count {
            let source = flags[i] != 0 ? a.raw : b.raw
            (out.raw + i * w).copyMemory(from: source + i * w, byteCount: w)
        }
        return out
    }

    /// `x` expanded to `shape` (which `x` must broadcast to), as a contiguous copy (or `x` itself).
    static func broadcastCopy(_ x: TensorValue, to shape: [Int], _ c: ExecutionContext) -> TensorValue {
        if x.shape == shape { return x }
        let rank = shape.count
        let padded = Array(repeating: 1, count: rank - x.rank) + x.shape
        let own = StridedCopy.strides(padded)
        let strides = (0..<rank).map { padded[$0] == 1 ? 0 : own[$0] }
        let out = c.output(shape, x.elementType)
        StridedCopy.copy(from: x.raw, to: out.raw, byteWidth: x.byteWidth, shape: shape, strides: strides, offset: 0)
        return out
    }
}
