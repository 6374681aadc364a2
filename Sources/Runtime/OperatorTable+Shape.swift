import Foundation
import ONNXIR

/// Operators that only reinterpret or permute: Reshape, Flatten, Squeeze, Unsqueeze, Transpose.
extension Operators {
    static let anyData = TypeRules.same(TypeRules.all, checked: [0])

    static let reshape = OperatorDefinition("Reshape", [
        OperatorSpec(inputs: 2...2, types: { n, t in
            try TypeRules.require(t, 1, [.int64])
            return try anyData(n, t)
        }) { node, _ in
            let allowZero = try node.int("allowzero", default: 0) != 0
            return { inputs, _ in
                let x = try inputs[0]
                return [x.reshaped(try OperatorTable.reshapeTarget(x.shape, try inputs.requiredIntegers(1), allowZero: allowZero))]
            }
        },
    ])

    static let flatten = OperatorDefinition("Flatten", [
        OperatorSpec(inputs: 1...1, types: anyData) { node, _ in
            let axisAttribute = try node.int("axis", default: 1)
            return { inputs, _ in
                let x = try inputs[0]
                let a = axisAttribute < 0 ? axisAttribute + x.rank : axisAttribute
                guard a >= 0 && a <= x.rank else { throw KernelError("axis \(axisAttribute) is out of range for rank \(x.rank)") }
                return [x.reshaped([x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)])]
            }
        },
    ])

    /// Squeeze: `axes` an attribute before opset 13, an input after.
    static let squeeze = OperatorDefinition("Squeeze", [
        OperatorSpec(inputs: 1...2, types: anyData) { node, _ in
            { inputs, _ in
                let x = try inputs[0]
                var drop = Set<Int>()
                if let axes = try OperatorTable.listInput(node, attribute: "axes", inputIndex: 1, inputSince: 13, inputs) {
                    for a in axes {
                        let k = try OperatorTable.axis(a, rank: x.rank)
                        guard x.shape[k] == 1 else { throw KernelError("cannot squeeze axis \(a) of size \(x.shape[k])") }
                        drop.insert(k)
                    }
                } else {
                    drop = Set(x.shape.indices.filter { x.shape[$0] == 1 })
                }
                return [x.reshaped(x.shape.indices.filter { !drop.contains($0) }.map { x.shape[$0] })]
            }
        },
    ])

    static let unsqueeze = OperatorDefinition("Unsqueeze", [
        OperatorSpec(inputs: 1...2, types: anyData) { node, _ in
            { inputs, _ in
                let x = try inputs[0]
                guard let axes = try OperatorTable.listInput(node, attribute: "axes", inputIndex: 1, inputSince: 13, inputs) else {
                    throw KernelError("axes are required")
                }
                let rank = x.rank + axes.count
                let normalized = try Set(axes.map { try OperatorTable.axis($0, rank: rank) })
                guard normalized.count == axes.count else { throw KernelError("axes \(axes) repeat an axis") }
                var shape: [Int] = []
                var source = x.shape.makeIterator()
                for k in 0..<rank { shape.append(normalized.contains(k) ? 1 : source.next() ?? 1) }
                return [x.reshaped(shape)]
            }
        },
    ])

    static let transpose = OperatorDefinition("Transpose", [
        OperatorSpec(inputs: 1...1, types: anyData) { node, _ in
            let perm = try node.ints("perm")
            return { inputs, c in [try OperatorTable.transpose(try inputs[0], perm: perm, c)] }
        },
    ])
}

extension OperatorTable {
    static func axis(_ a: Int, rank: Int) throws -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0 && r < max(rank, 1) else { throw KernelError("axis \(a) is out of range for rank \(rank)") }
        return r
    }

    /// Attribute form (old opsets) or input form (new opsets) of a list such as `axes`.
    static func listInput(_ node: NodeAttributes, attribute: String, inputIndex: Int, inputSince: Int, _ inputs: KernelInputs) throws -> [Int]? {
        if node.opset >= inputSince { return inputs.integers(inputIndex) }
        return try node.ints(attribute)
    }

    static func reshapeTarget(_ shape: [Int], _ requested: [Int], allowZero: Bool) throws -> [Int] {
        let count = shape.reduce(1, *)
        var out = requested
        var inferred: Int?
        for (k, d) in requested.enumerated() {
            if d == 0 && !allowZero {
                guard k < shape.count else { throw KernelError("shape \(requested) copies dimension \(k), which the input \(shape) lacks") }
                out[k] = shape[k]
            } else if d == -1 {
                guard inferred == nil else { throw KernelError("shape \(requested) has more than one -1") }
                inferred = k
            } else if d < 0 {
                throw KernelError("shape \(requested) has a negative dimension")
            }
        }
        if let k = inferred {
            let known = out.enumerated().filter { $0.offset != k }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else { throw KernelError("cannot reshape \(shape) to \(requested)") }
            out[k] = count / known
        }
        guard out.reduce(1, *) == count else { throw KernelError("cannot reshape \(shape) (\(count) elements) to \(requested)") }
        return out
    }
    static func transpose(_ x: TensorValue, perm: [Int]?, _ c: ExecutionContext) throws -> TensorValue {
        let perm = perm ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) is not a permutation of \(x.rank) axes")
        }
        let inStrides = StridedCopy.strides(x.shape)
        let out = c.output(perm.map { x.shape[$0] }, x.elementType)
        StridedCopy.copy(from: x.raw, to: out.raw, byteWidth: x.byteWidth, shape: out.shape,
                         strides: perm.map { inStrides[$0] }, offset: 0)
        return out
    }
}
