import Foundation
import ONNXIR

/// Pad: constant, reflect, edge and wrap modes (attributes before opset 11, inputs after).
extension Operators {
    static let pad = OperatorDefinition("Pad", [
        OperatorSpec(opsets: OperatorTable.oldestOpset...10, inputs: 1...1, types: TypeRules.same(TypeRules.float)) { node, _ in
            guard let pads = try node.ints("pads") else { throw node.invalid("attribute 'pads' is required") }
            let mode = node.string("mode", default: "constant")
            let value = try node.float("value", default: 0)
            return { inputs, c in [try OperatorTable.pad(try inputs[0], pads: pads, axes: nil, mode: mode, value: value, c)] }
        },
        OperatorSpec(opsets: 11...OperatorTable.newestOpset, inputs: 2...4, types: { n, t in
            try TypeRules.require(t, 1, [.int64])
            try TypeRules.require(t, 3, TypeRules.indices)
            return try TypeRules.same(TypeRules.numeric, checked: [0, 2])(n, t)
        }) { node, _ in
            let mode = node.string("mode", default: "constant")
            guard ["constant", "reflect", "edge", "wrap"].contains(mode) else { throw node.invalid("unknown mode '\(mode)'") }
            return { inputs, c in
                [try OperatorTable.pad(try inputs[0], pads: try inputs.requiredIntegers(1), axes: inputs.integers(3),
                                       mode: mode, value: inputs.optional(2), c)]
            }
        },
    ])
}

extension OperatorTable {
    static func pad(_ x: TensorValue, pads rawPads: [Int], axes rawAxes: [Int]?, mode: String, value: Any?, _ c: ExecutionContext) throws -> TensorValue {
        let rank = x.rank
        guard rank > 0 else { return x }
        let axes = try (rawAxes ?? Array(0..<rank)).map { try axis($0, rank: rank) }
        guard rawPads.count == 2 * axes.count else { throw KernelError("pads has \(rawPads.count) values for \(axes.count) axes") }
        var before = [Int](repeating: 0, count: rank), after = before
        for (k, a) in axes.enumerated() { before[a] = rawPads[k]; after[a] = rawPads[k + axes.count] }
        let shape = (0..<rank).map { x.shape[$0] + before[$0] + after[$0] }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("pads \(rawPads) remove more than the input \(x.shape) has") }
        if mode != "constant", x.count == 0, shape.reduce(1, *) > 0 { throw KernelError("cannot \(mode)-pad an empty tensor") }
        let out = c.output(shape, x.elementType)
        // The fill element.
        var fill = [UInt8](repeating: 0, count: 8)
        if let v = value as? TensorValue, v.count > 0 { memcpy(&fill, v.raw, v.byteWidth) }
        if let f = value as? Float { withUnsafeBytes(of: f) { for k in 0..<4 { fill[k] = $0[k] } } }
        let width = x.byteWidth
        let inStrides = StridedCopy.strides(x.shape)
        let total = out.count
        if total == 0 { return out }
        if mode == "constant" && before.allSatisfy({ $0 >= 0 }) && after.allSatisfy({ $0 >= 0 }) {
            // One pass over the output's rows (its last axis), split over the threads: a row
            // over an input row is its fill border, the input row and the other border; any
            // other row is fill. (Filling everything and then copying the input over it wrote
            // the output twice, on one thread: ResNet50's stem Pad, 3.2 MB, took 0.25-0.32 ms
            // on two threads.)
            let inner = shape[rank - 1], rowBytes = x.shape[rank - 1] * width
            let left = before[rank - 1], right = after[rank - 1]
            let leftBytes = left * width
            let outRows = total / max(inner, 1)
            let outRaw = out.raw, inRaw = x.raw
            fill.withUnsafeBytes { fillBytes in
                let element = fillBytes.baseAddress!
                c.parallelFor(outRows, cost: inner) { rows in
                    for row in rows {
                        let dst = outRaw + row * inner * width
                        // The input row under output row `row`, if every leading coordinate is inside.
                        var rest = row, source = 0, inside = rowBytes > 0
                        for k in stride(from: rank - 2, through: 0, by: -1) {
                            let i = rest % shape[k] - before[k]
                            rest /= shape[k]
                            if i < 0 || i >= x.shape[k] { inside = false; break }
                            source += i * inStrides[k]
                        }
                        if !inside {
                            fillRepeating(dst, count: inner, with: element, width: width)
                            continue
                        }
                        fillRepeating(dst, count: left, with: element, width: width)
                        memcpy(dst + leftBytes, inRaw + source * width, rowBytes)
                        fillRepeating(dst + leftBytes + rowBytes, count: right, with: element, width: width)
                    }
                }
            }
            return out
        }
        let inner = shape[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        // Maps an output coordinate to an input one, or nil for the constant fill.
        func source(_ i: Int, _ k: Int) -> Int? {
            let d = x.shape[k]
            var j = i - before[k]
            if j >= 0 && j < d { return j }
            switch mode {
            case "edge": return min(max(j, 0), d - 1)
            case "wrap": j %= d; return j < 0 ? j + d : j
            case "reflect":
                if d == 1 { return 0 }
                let period = 2 * (d - 1)
                j %= period
                if j < 0 { j += period }
                return j < d ? j : period - j
            default: return nil
            }
        }
        var o = 0
        while o < total {
            var base = 0
            var outside = false
            for k in 0..<(rank - 1) {
                if let j = source(index[k], k) { base += j * inStrides[k] } else { outside = true }
            }
            for i in 0..<inner {
                let dst = out.raw + (o + i) * width
                if !outside, let j = source(i, rank - 1) {
                    memcpy(dst, x.raw + (base + j) * width, width)
                } else {
                    memcpy(dst, fill, width)
                }
            }
            o += inner
            var k = rank - 2
            while k >= 0 {
                index[k] += 1
                if index[k] < shape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
