import Foundation
import ONNXIR

/// Operators that make tensors or read their shape: Constant, ConstantOfShape, Expand,
/// Shape, Size.
extension Operators {
    static let constant = OperatorDefinition("Constant", [
        OperatorSpec(inputs: 0...0, types: { node, _ in [try OperatorTable.constantValue(node).elementType] }) { node, _ in
            let value = try OperatorTable.constantValue(node)
            return { _, _ in [value] }
        },
    ])

    static let constantOfShape = OperatorDefinition("ConstantOfShape", [
        OperatorSpec(inputs: 1...1, types: { node, t in
            try TypeRules.require(t, 0, [.int64])
            guard let v = node.tensor("value") else { return [.float] }
            guard let type = v.dataType, TypeRules.all.contains(type) else { throw TypeRuleError.output(v.dataType) }
            return [type]
        }) { node, _ in
            let fill = try node.tensor("value").map { try TensorValue($0) } ?? TensorValue(shape: [1], floats: [0])
            guard fill.count == 1 else { throw node.invalid("'value' must hold one element") }
            return { inputs, c in
                let shape = try inputs.requiredIntegers(0)
                guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("negative dimension in shape \(shape)") }
                let out = c.output(shape, fill.elementType)
                OperatorTable.fillRepeating(out, with: fill.raw, width: fill.byteWidth)
                return [out]
            }
        },
    ])

    /// Expand (opset 8): broadcast the input with a shape (either side may have the larger dims).
    static let expand = OperatorDefinition("Expand", [
        OperatorSpec(opsets: 8...OperatorTable.newestOpset, inputs: 2...2, types: { node, t in
            try TypeRules.require(t, 1, [.int64])
            return try TypeRules.same(TypeRules.all, checked: [0])(node, t)
        }) { _, _ in
            { inputs, c in
                let x = try inputs[0]
                let requested = try inputs.requiredIntegers(1)
                guard requested.allSatisfy({ $0 >= 0 }) else { throw KernelError("negative dimension in shape \(requested)") }
                let shape = try Broadcast.shape([x.shape, requested])
                return [OperatorTable.broadcastCopy(x, to: shape, c)]
            }
        },
    ])

    static let shape = OperatorDefinition("Shape", [
        OperatorSpec(inputs: 1...1, types: { _, t in
            guard let x = t[0], TypeRules.all.contains(x) else { throw TypeRuleError.input(0) }
            return [.int64]
        }) { node, _ in
            let start = try node.int("start"), end = try node.int("end")
            return { inputs, _ in
                let s = try inputs[0].shape
                let r = s.count
                func clampAxis(_ a: Int) -> Int { Swift.min(Swift.max(a < 0 ? a + r : a, 0), r) }
                let lo = clampAxis(start ?? 0), hi = clampAxis(end ?? r)
                let dims = lo < hi ? Array(s[lo..<hi]) : []
                return [TensorValue(shape: [dims.count], int64s: dims.map(Int64.init))]
            }
        },
    ])

    /// Size: the element count as an int64 scalar.
    static let size = OperatorDefinition("Size", [
        OperatorSpec(inputs: 1...1, types: { _, t in
            guard let x = t[0], TypeRules.all.contains(x) else { throw TypeRuleError.input(0) }
            return [.int64]
        }) { _, _ in
            { inputs, _ in [TensorValue(shape: [], int64s: [Int64(try inputs[0].count)])] }
        },
    ])
}

extension OperatorTable {
    static func constantValue(_ node: NodeAttributes) throws -> TensorValue {
        let a = node.node.attributes.first
        guard node.node.attributes.count == 1, let a else { throw node.invalid("exactly one value attribute is required") }
        switch a.name {
        case "value":
            guard let t = a.t else { throw node.invalid("'value' holds no tensor") }
            do { return try TensorValue(t) } catch let e as RuntimeError {
                if case .unsupportedTensorType(_, let type) = e { throw RuntimeError.unsupportedType(node: node.name, op: node.op, tensor: "value", type: type) }
                throw e
            }
        case "value_float": return TensorValue(shape: [], floats: [a.f ?? 0])
        case "value_floats": return TensorValue(shape: [a.floats.count], floats: a.floats)
        case "value_int": return TensorValue(shape: [], int64s: [a.i ?? 0])
        case "value_ints": return TensorValue(shape: [a.ints.count], int64s: a.ints)
        default: throw RuntimeError.unsupportedType(node: node.name, op: node.op, tensor: a.name ?? "?", type: nil)
        }
    }

    /// Fills `out` by repeating one element of `width` bytes.
    static func fillRepeating(_ out: TensorValue, with element: UnsafeRawPointer, width: Int) {
        fillRepeating(out.raw, count: out.count, with: element, width: width)
    }

    /// Writes `count` copies of one element of `width` bytes (8, 4, 2 or 1) at `destination`.
    static func fillRepeating(_ destination: UnsafeMutableRawPointer, count n: Int, with element: UnsafeRawPointer, width: Int) {
        if n <= 0 { return }
        switch width {
        case 8: destination.assumingMemoryBound(to: UInt64.self).initialize(repeating: element.load(as: UInt64.self), count: n)
        case 4: destination.assumingMemoryBound(to: UInt32.self).initialize(repeating: element.load(as: UInt32.self), count: n)
        case 2: destination.assumingMemoryBound(to: UInt16.self).initialize(repeating: element.load(as: UInt16.self), count: n)
        default: memset(destination, Int32(element.load(as: UInt8.self)), n)
        }
    }
}
