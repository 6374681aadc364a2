import Foundation
import ONNXIR

/// Softmax and LogSoftmax: before opset 13 over the input flattened from `axis` (default 1),
/// from 13 over the one axis (default -1).
extension Operators {
    static let softmax = OperatorDefinition("Softmax", [softmaxRow(log: false)])
    static let logSoftmax = OperatorDefinition("LogSoftmax", [softmaxRow(log: true)])

    static func softmaxRow(log: Bool) -> OperatorSpec {
        OperatorSpec(inputs: 1...1, types: floats) { node, _ in
            let legacy = node.opset < 13
            let axisAttribute = try node.int("axis", default: legacy ? 1 : -1)
            return { inputs, c in [try OperatorTable.softmax(try inputs[0], axis: axisAttribute, flattened: legacy, log: log, c)] }
        }
    }
}

extension OperatorTable {
    static func softmax(_ x: TensorValue, axis axisAttribute: Int, flattened: Bool, log: Bool = false, _ c: ExecutionContext) throws -> TensorValue {
        let a = try axis(axisAttribute, rank: x.rank)
        let out = c.output(x.shape)
        if x.count == 0 { return out }
        let outer = x.shape[..<a].reduce(1, *)
        let (dim, inner) = flattened ? (x.shape[a...].reduce(1, *), 1) : (x.shape[a], x.shape[(a + 1)...].reduce(1, *))
        let xi = x.floats, o = out.floats
        c.parallelFor(outer * inner, cost: dim * 8) { range in
            for r in range {
                let base = (r / inner) * dim * inner + r % inner
                var m = -Float.infinity
                for k in 0..<dim { m = Swift.max(m, xi[base + k * inner]) }
                var sum: Float = 0
                if log {
                    for k in 0..<dim { sum += expf(xi[base + k * inner] - m) }
                    let shift = m + logf(sum)
                    for k in 0..<dim { o[base + k * inner] = xi[base + k * inner] - shift }
                } else {
                    for k in 0..<dim { let e = expf(xi[base + k * inner] - m); o[base + k * inner] = e; sum += e }
                    let inv = 1 / sum
                    for k in 0..<dim { o[base + k * inner] *= inv }
                }
            }
        }
        return out
    }
}
