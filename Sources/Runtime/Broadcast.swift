import ONNXIR
/// Multidirectional (numpy-style) broadcasting: the output shape and, per operand, element
/// strides over it (0 where the operand is broadcast), with mergeable dimensions coalesced so
/// the common cases (same shape, scalar, per-channel) become one or two tight loops.
struct Broadcast {
    var shape: [Int]
    /// Coalesced loop dimensions and per-operand strides.
    var dims: [Int]
    var strides: [[Int]]

    static func shape(_ shapes: [[Int]]) throws -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            for (k, d) in s.enumerated() {
                let o = rank - s.count + k
                if out[o] == 1 { out[o] = d } else if d != 1 && d != out[o] {
                    throw KernelError("shapes \(shapes.map { $0.description }.joined(separator: " and ")) cannot be broadcast")
                }
            }
        }
        return out
    }

    init(_ shapes: [[Int]]) throws {
        let shape = try Self.shape(shapes)
        self.shape = shape
        let rank = shape.count
        var perOperand: [[Int]] = shapes.map { s in
            var st = [Int](repeating: 0, count: rank)
            var running = 1
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                let o = rank - s.count + k
                st[o] = s[k] == 1 ? 0 : running
                running *= s[k]
            }
            return st
        }
        // Drop size-1 output dims, then merge neighbours that stay contiguous for every operand.
        var d: [Int] = []
        var st: [[Int]] = Array(repeating: [], count: shapes.count)
        for k in 0..<rank where shape[k] != 1 {
            if let last = d.last,
               (0..<shapes.count).allSatisfy({ st[$0].last! == perOperand[$0][k] * shape[k] }) {
                d[d.count - 1] = last * shape[k]
                for o in 0..<shapes.count { st[o][st[o].count - 1] = perOperand[o][k] }
            } else {
                d.append(shape[k])
                for o in 0..<shapes.count { st[o].append(perOperand[o][k]) }
            }
        }
        perOperand = []
        if d.isEmpty {
            d = [1]
            st = Array(repeating: [0], count: shapes.count)
        }
        dims = d
        strides = st
    }

    /// Calls `body(offsets, count, innerStrides)` for each innermost run; offsets are per operand.
    /// `outer` restricts to a range of outer iterations (for threading); total outer count is
    /// `outerCount`.
    var outerCount: Int { dims.dropLast().reduce(1, *) }
    var inner: Int { dims.last! }

    func forEachRun(_ outer: Range<Int>, _ body: (_ offsets: [Int], _ outIndex: Int) -> Void) {
        let r = dims.count - 1
        let n = strides.count
        for o in outer {
            var rem = o
            var offsets = [Int](repeating: 0, count: n)
            var k = r - 1
            while k >= 0 {
                let i = rem % dims[k]
                rem /= dims[k]
                for p in 0..<n { offsets[p] += i * strides[p][k] }
                k -= 1
            }
            body(offsets, o * inner)
        }
    }
}
