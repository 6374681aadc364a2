import Foundation
import ONNXIR

/// The Reduce family. `axes` is an attribute until opset 12 (ReduceSum) or 17 (the others)
/// and an input after; no axes means all axes, unless `noop_with_empty_axes` says identity.
extension Operators {
    static let reduceSum = reduction("ReduceSum", axesInputSince: 13, numeric: true, .sum)
    static let reduceMean = reduction("ReduceMean", numeric: false, .mean)
    static let reduceMax = reduction("ReduceMax", numeric: true, bool: true, .max)
    static let reduceMin = reduction("ReduceMin", numeric: true, bool: true, .min)
    static let reduceProd = reduction("ReduceProd", numeric: true, .product)
    static let reduceL1 = reduction("ReduceL1", numeric: false, .l1)
    static let reduceL2 = reduction("ReduceL2", numeric: false, .l2)
    static let reduceSumSquare = reduction("ReduceSumSquare", numeric: false, .sumSquare)
    static let reduceLogSum = reduction("ReduceLogSum", numeric: false, .logSum)
    static let reduceLogSumExp = reduction("ReduceLogSumExp", numeric: false, .logSumExp)

    static func reduction(_ name: String, axesInputSince: Int = 18, numeric: Bool, bool: Bool = false, _ kind: OperatorTable.Reduction) -> OperatorDefinition {
        OperatorDefinition(name, [
            OperatorSpec(inputs: 1...2, types: { n, t in
                try TypeRules.require(t, 1, [.int64])
                return try TypeRules.same((numeric ? TypeRules.numeric : TypeRules.float).union(bool ? [.bool] : []), checked: [0])(n, t)
            }) { node, _ in
                let keepDims = try node.int("keepdims", default: 1) != 0
                let noopWhenEmpty = try node.int("noop_with_empty_axes", default: 0) != 0
                return { inputs, c in
                    let axes = try OperatorTable.listInput(node, attribute: "axes", inputIndex: 1, inputSince: axesInputSince, inputs)
                    return [try OperatorTable.reduce(try inputs[0], kind, axes: axes, keepDims: keepDims, noopWhenEmpty: noopWhenEmpty, c)]
                }
            },
        ])
    }
}

extension OperatorTable {
    enum Reduction { case sum, mean, max, min, product, l1, l2, sumSquare, logSum, logSumExp }

    static func reduce(_ x: TensorValue, _ kind: Reduction, axes: [Int]?, keepDims: Bool, noopWhenEmpty: Bool, _ c: ExecutionContext) throws -> TensorValue {
        if (axes ?? []).isEmpty && noopWhenEmpty { return x }
        let reduced = try Set((axes?.isEmpty == false ? axes! : Array(0..<x.rank)).map { try axis($0, rank: x.rank) })
        let keptShape = x.shape.indices.map { reduced.contains($0) ? 1 : x.shape[$0] }
        let finalShape = keepDims ? keptShape : x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] }
        let count = reduced.map { x.shape[$0] }.reduce(1, *)
        switch x.elementType {
        case .float:
            let out = c.output(keptShape)
            let (initial, map, combine, finish) = floatSteps(kind, count: count)
            accumulate(x.floats, shape: x.shape, reduced: reduced, into: out.floats, outCount: out.count, initial: initial, map: map, combine: combine)
            let o = out.floats
            for i in 0..<out.count { o[i] = finish(o[i]) }
            return out.reshaped(finalShape)
        case .bool: return try integerReduce(x, kind, UInt8.self, reduced: reduced, keptShape: keptShape).reshaped(finalShape)
        case .int64: return try integerReduce(x, kind, Int64.self, reduced: reduced, keptShape: keptShape).reshaped(finalShape)
        default: return try integerReduce(x, kind, Int32.self, reduced: reduced, keptShape: keptShape).reshaped(finalShape)
        }
    }

    static func floatSteps(_ kind: Reduction, count: Int) -> (Float, (Float) -> Float, (Float, Float) -> Float, (Float) -> Float) {
        let add: (Float, Float) -> Float = { $0 + $1 }
        let same: (Float) -> Float = { $0 }
        switch kind {
        case .sum: return (0, same, add, same)
        case .mean: return (0, same, add, { count > 0 ? $0 / Float(count) : .nan })
        case .max: return (-.infinity, same, { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }, same)
        case .min: return (.infinity, same, { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }, same)
        case .product: return (1, same, { $0 * $1 }, same)
        case .l1: return (0, { Swift.abs($0) }, add, same)
        case .l2: return (0, { $0 * $0 }, add, { $0.squareRoot() })
        case .sumSquare: return (0, { $0 * $0 }, add, same)
        case .logSum: return (0, same, add, { logf($0) })
        case .logSumExp: return (0, { expf($0) }, add, { logf($0) })
        }
    }

    static func integerReduce<T: FixedWidthInteger>(_ x: TensorValue, _ kind: Reduction, _: T.Type, reduced: Set<Int>, keptShape: [Int]) throws -> TensorValue {
        let out = TensorValue(shape: keptShape, elementType: x.elementType)
        let source = UnsafePointer(x.raw.assumingMemoryBound(to: T.self)), target = out.raw.assumingMemoryBound(to: T.self)
        let same: (T) -> T = { $0 }
        switch kind {
        case .sum: accumulate(source, shape: x.shape, reduced: reduced, into: target, outCount: out.count, initial: 0, map: same, combine: { $0 &+ $1 })
        case .product: accumulate(source, shape: x.shape, reduced: reduced, into: target, outCount: out.count, initial: 1, map: same, combine: { $0 &* $1 })
        case .max: accumulate(source, shape: x.shape, reduced: reduced, into: target, outCount: out.count, initial: .min, map: same, combine: { Swift.max($0, $1) })
        case .min: accumulate(source, shape: x.shape, reduced: reduced, into: target, outCount: out.count, initial: .max, map: same, combine: { Swift.min($0, $1) })
        default: throw KernelError("this reduction supports float only")
        }
        return out
    }

    /// `out[j] = combine(out[j], map(x[i]))` over every input element `i`, `j` its position with
    /// reduced axes dropped. One pass; a contiguous block of reduced axes runs as plain loops.
    static func accumulate<T>(_ x: UnsafePointer<T>, shape: [Int], reduced: Set<Int>, into out: UnsafeMutablePointer<T>, outCount: Int,
                              initial: T, map: (T) -> T, combine: (T, T) -> T) {
        out.initialize(repeating: initial, count: outCount)
        let total = shape.reduce(1, *)
        if total == 0 { return }
        let live = shape.indices.filter { shape[$0] != 1 }
        let liveReduced = live.filter { reduced.contains($0) }
        if let first = liveReduced.first, let last = liveReduced.last,
           live.filter({ $0 >= first && $0 <= last }).allSatisfy({ reduced.contains($0) }) {
            // Kept axes before and after one block of reduced axes: outer x block x inner.
            let block = shape[first...last].reduce(1, *), inner = shape[(last + 1)...].reduce(1, *)
            let outer = total / (block * inner)
            for o in 0..<outer {
                let dst = out + o * inner
                for k in 0..<block {
                    let src = x + (o * block + k) * inner
                    for i in 0..<inner { dst[i] = combine(dst[i], map(src[i])) }
                }
            }
            return
        }
        if liveReduced.isEmpty {
            for i in 0..<total { out[i] = combine(out[i], map(x[i])) }
            return
        }
        let keptShape = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        let outStrides = StridedCopy.strides(keptShape)
        let step = shape.indices.map { reduced.contains($0) ? 0 : outStrides[$0] }
        var index = [Int](repeating: 0, count: shape.count)
        var target = 0
        for i in 0..<total {
            out[target] = combine(out[target], map(x[i]))
            var k = shape.count - 1
            while k >= 0 {
                index[k] += 1
                target += step[k]
                if index[k] < shape[k] { break }
                target -= step[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
    }
}
