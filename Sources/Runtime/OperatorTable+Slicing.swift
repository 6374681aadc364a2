import Foundation
import ONNXIR

/// Operators that cut and join: Concat, Split, Slice, Gather.
extension Operators {
    static let concat = OperatorDefinition("Concat", [
        OperatorSpec(inputs: 1...Int.max, types: TypeRules.same(TypeRules.all)) { node, _ in
            guard let axisAttribute = try node.int("axis") else { throw node.invalid("attribute 'axis' is required") }
            return { inputs, c in [try OperatorTable.concat(try inputs.all(), axis: axisAttribute, c)] }
        },
    ])

    /// Split: sizes from the `split` attribute (input from opset 13), `num_outputs` (18), or even.
    static let split = OperatorDefinition("Split", [
        OperatorSpec(inputs: 1...2, outputs: 1...Int.max, types: { n, t in
            try TypeRules.require(t, 1, [.int64])
            guard let x = t[0], TypeRules.all.contains(x) else { throw TypeRuleError.input(0) }
            return Array(repeating: x, count: n.node.outputs.count)
        }) { node, _ in
            let axisAttribute = try node.int("axis", default: 0)
            let outputs = node.node.outputs.count
            let numOutputs = try node.int("num_outputs")
            return { inputs, c in
                let x = try inputs[0]
                let a = try OperatorTable.axis(axisAttribute, rank: x.rank)
                let dim = x.shape[a]
                var sizes = try OperatorTable.listInput(node, attribute: "split", inputIndex: 1, inputSince: 13, inputs) ?? []
                if sizes.isEmpty {
                    if let numOutputs, node.opset >= 18, numOutputs > 0 {
                        let chunk = (dim + numOutputs - 1) / numOutputs
                        sizes = (0..<numOutputs).map { Swift.max(0, Swift.min(chunk, dim - $0 * chunk)) }
                    } else {
                        guard dim % outputs == 0 else { throw KernelError("axis size \(dim) does not split evenly into \(outputs) outputs") }
                        sizes = Array(repeating: dim / outputs, count: outputs)
                    }
                }
                guard sizes.count == outputs, sizes.reduce(0, +) == dim, sizes.allSatisfy({ $0 >= 0 }) else {
                    throw KernelError("split sizes \(sizes) do not cover axis size \(dim) with \(outputs) outputs")
                }
                return OperatorTable.split(x, axis: a, sizes: sizes, c)
            }
        },
    ])

    static let slice = OperatorDefinition("Slice", [
        OperatorSpec(opsets: OperatorTable.oldestOpset...9, inputs: 1...1, types: anyData) { node, _ in
            guard let starts = try node.ints("starts"), let ends = try node.ints("ends") else {
                throw node.invalid("attributes 'starts' and 'ends' are required")
            }
            let axes = try node.ints("axes")
            return { inputs, c in [try OperatorTable.slice(try inputs[0], starts: starts, ends: ends, axes: axes, steps: nil, c)] }
        },
        OperatorSpec(opsets: 10...OperatorTable.newestOpset, inputs: 3...5, types: { n, t in
            for k in 1..<t.count { try TypeRules.require(t, k, TypeRules.indices) }
            return try anyData(n, t)
        }) { _, _ in
            { inputs, c in
                [try OperatorTable.slice(try inputs[0], starts: try inputs.requiredIntegers(1), ends: try inputs.requiredIntegers(2),
                                         axes: inputs.integers(3), steps: inputs.integers(4), c)]
            }
        },
    ])

    static let gather = OperatorDefinition("Gather", [
        OperatorSpec(inputs: 2...2, types: { n, t in
            try TypeRules.require(t, 1, TypeRules.indices)
            return try anyData(n, t)
        }) { node, _ in
            let axisAttribute = try node.int("axis", default: 0)
            return { inputs, c in [try OperatorTable.gather(try inputs[0], try inputs[1], axis: axisAttribute, c)] }
        },
    ])
}

extension OperatorTable {
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
        // The planned output, where some inputs may already sit (`ConcatPlacement`).
        let out = c.result(shape, first.elementType)
        let outer = shape[..<a].reduce(1, *)
        let width = first.byteWidth
        let rowBytes = shape[a...].reduce(1, *) * width
        // What is not in place yet, as segments in address order (one per input and outer
        // index), copied as page-sized ranges of their total split over the threads: Inception's
        // channel concats of a few MB were the one layer type that stayed on one thread.
        var segments: [(offset: Int, source: UnsafeRawPointer, bytes: Int, start: Int)] = []
        var total = 0
        for o in 0..<outer {
            var column = 0
            for v in values {
                let block = v.shape[a...].reduce(1, *) * width
                let source = UnsafeRawPointer(v.raw) + o * block
                if block > 0, source != UnsafeRawPointer(out.raw + o * rowBytes + column) {
                    segments.append((o * rowBytes + column, source, block, total))
                    total += block
                }
                column += block
            }
        }
        if segments.isEmpty { return out }
        let page = 4096
        c.parallelFor((total + page - 1) / page, cost: page / 8) { pages in
            let lo = pages.lowerBound * page, hi = min(total, pages.upperBound * page)
            for segment in segments where segment.start < hi && segment.start + segment.bytes > lo {
                let first = max(lo, segment.start), last = min(hi, segment.start + segment.bytes)
                memcpy(out.raw + segment.offset + (first - segment.start), segment.source + (first - segment.start), last - first)
            }
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
