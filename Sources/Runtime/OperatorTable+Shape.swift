import Foundation
import ONNXIR

/// Operators that only move data or compute shapes: Shape, Reshape, Flatten, Squeeze,
/// Unsqueeze, Concat, Split, Slice, Transpose, Gather.
extension OperatorTable {
    static func axis(_ a: Int, rank: Int) throws -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0 && r < max(rank, 1) else { throw KernelError("axis \(a) is out of range for rank \(rank)") }
        return r
    }

    /// The int64/int32 elements of an optional input (a shape, axes, pads, ...).
    static func integers(_ value: TensorValue?) -> [Int]? {
        value.map { $0.integerArray().map { Int($0) } }
    }

    /// Attribute form (old opsets) or input form (new opsets) of a list such as `axes`.
    static func listInput(_ node: NodeAttributes, attribute: String, inputIndex: Int, inputSince: Int, _ inputs: [TensorValue?]) throws -> [Int]? {
        if node.opset >= inputSince { return inputIndex < inputs.count ? integers(inputs[inputIndex]) : nil }
        return try node.ints(attribute)
    }

    static func shapeOperators() -> [String: [OperatorSpec]] {
        let anyData = TypeRules.same(TypeRules.all, checked: [0])
        return [
            "Shape": [OperatorSpec(opsets: all, inputs: 1...1, types: { _, t in
                guard let x = t[0], TypeRules.all.contains(x) else { throw TypeRuleError.input(0) }
                return [.int64]
            }) { node, _ in
                let start = try node.int("start"), end = try node.int("end")
                return { inputs, c in
                    let s = inputs[0]!.shape
                    let r = s.count
                    func clampAxis(_ a: Int) -> Int { min(max(a < 0 ? a + r : a, 0), r) }
                    let lo = clampAxis(start ?? 0), hi = clampAxis(end ?? r)
                    let dims = lo < hi ? Array(s[lo..<hi]) : []
                    return [TensorValue(shape: [dims.count], int64s: dims.map(Int64.init))]
                }
            }],
            "Reshape": [OperatorSpec(opsets: all, inputs: 2...2, types: { n, t in
                try TypeRules.require(t, 1, [.int64])
                return try anyData(n, t)
            }) { node, _ in
                let allowZero = try node.int("allowzero", default: 0) != 0
                return { inputs, _ in
                    let x = inputs[0]!
                    let requested = integers(inputs[1])!
                    return [x.reshaped(try reshapeTarget(x.shape, requested, allowZero: allowZero))]
                }
            }],
            "Flatten": [OperatorSpec(opsets: all, inputs: 1...1, types: anyData) { node, _ in
                let axisAttribute = try node.int("axis", default: 1)
                return { inputs, _ in
                    let x = inputs[0]!
                    let a = axisAttribute < 0 ? axisAttribute + x.rank : axisAttribute
                    guard a >= 0 && a <= x.rank else { throw KernelError("axis \(axisAttribute) is out of range for rank \(x.rank)") }
                    let outer = x.shape[..<a].reduce(1, *)
                    return [x.reshaped([outer, x.shape[a...].reduce(1, *)])]
                }
            }],
            "Squeeze": [OperatorSpec(opsets: all, inputs: 1...2, types: anyData) { node, _ in
                { inputs, _ in
                    let x = inputs[0]!
                    let axes = try listInput(node, attribute: "axes", inputIndex: 1, inputSince: 13, inputs)
                    var drop = Set<Int>()
                    if let axes {
                        for a in axes {
                            let k = try axis(a, rank: x.rank)
                            guard x.shape[k] == 1 else { throw KernelError("cannot squeeze axis \(a) of size \(x.shape[k])") }
                            drop.insert(k)
                        }
                    } else {
                        drop = Set(x.shape.indices.filter { x.shape[$0] == 1 })
                    }
                    return [x.reshaped(x.shape.indices.filter { !drop.contains($0) }.map { x.shape[$0] })]
                }
            }],
            "Unsqueeze": [OperatorSpec(opsets: all, inputs: 1...2, types: anyData) { node, _ in
                { inputs, _ in
                    let x = inputs[0]!
                    guard let axes = try listInput(node, attribute: "axes", inputIndex: 1, inputSince: 13, inputs) else {
                        throw KernelError("axes are required")
                    }
                    let rank = x.rank + axes.count
                    let normalized = try Set(axes.map { try axis($0, rank: rank) })
                    guard normalized.count == axes.count else { throw KernelError("axes \(axes) repeat an axis") }
                    var shape: [Int] = []
                    var source = x.shape.makeIterator()
                    for k in 0..<rank { shape.append(normalized.contains(k) ? 1 : source.next()!) }
                    return [x.reshaped(shape)]
                }
            }],
            "Concat": [OperatorSpec(opsets: all, inputs: 1...Int.max, types: TypeRules.same(TypeRules.all)) { node, _ in
                guard let axisAttribute = try node.int("axis") else { throw node.invalid("attribute 'axis' is required") }
                return { inputs, c in [try concat(inputs.map { $0! }, axis: axisAttribute, c)] }
            }],
            "Split": [OperatorSpec(opsets: all, inputs: 1...2, outputs: 1...Int.max, types: { n, t in
                try TypeRules.require(t, 1, [.int64])
                guard let x = t[0], TypeRules.all.contains(x) else { throw TypeRuleError.input(0) }
                return Array(repeating: x, count: n.node.outputs.count)
            }) { node, _ in
                let axisAttribute = try node.int("axis", default: 0)
                let outputs = node.node.outputs.count
                let numOutputs = try node.int("num_outputs")
                return { inputs, c in
                    let x = inputs[0]!
                    let a = try axis(axisAttribute, rank: x.rank)
                    let dim = x.shape[a]
                    var sizes = try listInput(node, attribute: "split", inputIndex: 1, inputSince: 13, inputs) ?? []
                    if sizes.isEmpty {
                        if let numOutputs, node.opset >= 18 {
                            let chunk = (dim + numOutputs - 1) / numOutputs
                            sizes = (0..<numOutputs).map { max(0, min(chunk, dim - $0 * chunk)) }
                        } else {
                            guard dim % outputs == 0 else { throw KernelError("axis size \(dim) does not split evenly into \(outputs) outputs") }
                            sizes = Array(repeating: dim / outputs, count: outputs)
                        }
                    }
                    guard sizes.count == outputs, sizes.reduce(0, +) == dim, sizes.allSatisfy({ $0 >= 0 }) else {
                        throw KernelError("split sizes \(sizes) do not cover axis size \(dim) with \(outputs) outputs")
                    }
                    return split(x, axis: a, sizes: sizes, c)
                }
            }],
            "Slice": [
                OperatorSpec(opsets: oldestOpset...9, inputs: 1...1, types: anyData) { node, _ in
                    guard let starts = try node.ints("starts"), let ends = try node.ints("ends") else {
                        throw node.invalid("attributes 'starts' and 'ends' are required")
                    }
                    let axes = try node.ints("axes")
                    return { inputs, c in [try slice(inputs[0]!, starts: starts, ends: ends, axes: axes, steps: nil, c)] }
                },
                OperatorSpec(opsets: 10...newestOpset, inputs: 3...5, types: { n, t in
                    for k in 1..<t.count { try TypeRules.require(t, k, TypeRules.indices) }
                    return try anyData(n, t)
                }) { _, _ in
                    { inputs, c in
                        [try slice(inputs[0]!, starts: integers(inputs[1])!, ends: integers(inputs[2])!,
                                   axes: inputs.count > 3 ? integers(inputs[3]) : nil,
                                   steps: inputs.count > 4 ? integers(inputs[4]) : nil, c)]
                    }
                },
            ],
            "Transpose": [OperatorSpec(opsets: all, inputs: 1...1, types: anyData) { node, _ in
                let perm = try node.ints("perm")
                return { inputs, c in [try transpose(inputs[0]!, perm: perm, c)] }
            }],
            "Gather": [OperatorSpec(opsets: all, inputs: 2...2, types: { n, t in
                try TypeRules.require(t, 1, TypeRules.indices)
                return try anyData(n, t)
            }) { node, _ in
                let axisAttribute = try node.int("axis", default: 0)
                return { inputs, c in [try gather(inputs[0]!, inputs[1]!, axis: axisAttribute, c)] }
            }],
        ]
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

    static func concat(_ values: [TensorValue], axis axisAttribute: Int, _ c: ExecutionContext) throws -> TensorValue {
        let first = values[0]
        let a = try axis(axisAttribute, rank: first.rank)
        var shape = first.shape
        shape[a] = 0
        for v in values {
            guard v.rank == first.rank, v.elementType == first.elementType,
                  v.shape.indices.allSatisfy({ $0 == a || v.shape[$0] == first.shape[$0] }) else {
                throw KernelError("inputs \(values.map(\.shape)) cannot be concatenated on axis \(axisAttribute)")
            }
            shape[a] += v.shape[a]
        }
        let out = c.output(shape, first.elementType)
        let outer = shape[..<a].reduce(1, *)
        let width = first.byteWidth
        let rowBytes = shape[a...].reduce(1, *) * width
        var column = 0
        for v in values {
            let block = v.shape[a...].reduce(1, *) * width
            if block > 0 {
                for o in 0..<outer {
                    memcpy(out.raw + o * rowBytes + column, v.raw + o * block, block)
                }
            }
            column += block
        }
        return out
    }

    static func split(_ x: TensorValue, axis a: Int, sizes: [Int], _ c: ExecutionContext) -> [TensorValue] {
        let outer = x.shape[..<a].reduce(1, *)
        let inner = x.shape[(a + 1)...].reduce(1, *) * x.byteWidth
        let rowBytes = x.shape[a] * inner
        var column = 0
        return sizes.map { size in
            var shape = x.shape
            shape[a] = size
            let out = c.output(shape, x.elementType)
            let block = size * inner
            if block > 0 {
                for o in 0..<outer { memcpy(out.raw + o * block, x.raw + o * rowBytes + column, block) }
            }
            column += block
            return out
        }
    }

    static func slice(_ x: TensorValue, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?, _ c: ExecutionContext) throws -> TensorValue {
        let axes = axes ?? Array(0..<starts.count)
        let steps = steps ?? Array(repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw KernelError("starts, ends, axes and steps must have the same length")
        }
        var begin = [Int](repeating: 0, count: x.rank)
        var step = [Int](repeating: 1, count: x.rank)
        var shape = x.shape
        var seen = Set<Int>()
        for k in starts.indices {
            let a = try axis(axes[k], rank: x.rank)
            guard seen.insert(a).inserted else { throw KernelError("axis \(axes[k]) repeats") }
            let d = x.shape[a], s = steps[k]
            guard s != 0 else { throw KernelError("step 0 on axis \(axes[k])") }
            var lo = starts[k] < 0 ? starts[k] + d : starts[k]
            var hi = ends[k] < 0 ? ends[k] + d : ends[k]
            if s > 0 {
                lo = min(max(lo, 0), d); hi = min(max(hi, 0), d)
                shape[a] = hi > lo ? (hi - lo + s - 1) / s : 0
            } else {
                lo = min(max(lo, -1), d - 1); hi = min(max(hi, -1), d - 1)
                shape[a] = lo > hi ? (lo - hi - s - 1) / -s : 0
            }
            begin[a] = max(lo, 0)
            step[a] = s
        }
        let inStrides = StridedCopy.strides(x.shape)
        let offset = zip(begin, inStrides).map(*).reduce(0, +)
        let out = c.output(shape, x.elementType)
        StridedCopy.copy(from: x.raw, to: out.raw, byteWidth: x.byteWidth, shape: shape,
                         strides: zip(inStrides, step).map(*), offset: offset)
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

    static func gather(_ x: TensorValue, _ indices: TensorValue, axis axisAttribute: Int, _ c: ExecutionContext) throws -> TensorValue {
        let a = try axis(axisAttribute, rank: x.rank)
        let dim = x.shape[a]
        let idx = indices.integerArray()
        let shape = Array(x.shape[..<a]) + indices.shape + Array(x.shape[(a + 1)...])
        let out = c.output(shape, x.elementType)
        let outer = x.shape[..<a].reduce(1, *)
        let block = x.shape[(a + 1)...].reduce(1, *) * x.byteWidth
        var resolved: [Int] = []
        resolved.reserveCapacity(idx.count)
        for i in idx {
            let j = i < 0 ? Int(i) + dim : Int(i)
            guard j >= 0 && j < dim else { throw KernelError("index \(i) is out of range for axis size \(dim)") }
            resolved.append(j)
        }
        for o in 0..<outer {
            for (k, j) in resolved.enumerated() {
                memcpy(out.raw + (o * resolved.count + k) * block, x.raw + (o * dim + j) * block, block)
            }
        }
        return out
    }
}
