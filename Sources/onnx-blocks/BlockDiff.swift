import Blocks

/// Block-level diff of two `blocks --json` documents: blocks are aligned by a longest common
/// subsequence of (kind, variant), so an inserted block shows as `+` rather than as every later
/// block changing; aligned blocks report changed fields (channels, strides, scales …).
enum BlockDiff {
    static func key(_ b: JSONValue) -> String { "\(b["kind"]?.stringValue ?? "")/\(b["variant"]?.stringValue ?? "")" }
    static func show(_ v: JSONValue?) -> String {
        guard let v else { return "none" }
        if case .string(let s) = v { return s }
        return v.description
    }

    static func compare(_ a: JSONValue, _ b: JSONValue) -> [String] {
        var out: [String] = []
        if a["family"] != b["family"] { out.append("~ family: \(show(a["family"])) → \(show(b["family"]))") }
        let x = a["blocks"]?.arrayValue ?? [], y = b["blocks"]?.arrayValue ?? []
        let n = x.count, m = y.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = key(x[i]) == key(y[j]) ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var i = 0, j = 0
        func describe(_ blk: JSONValue) -> String { "\(show(blk["name"])) (\(key(blk)))" }
        while i < n || j < m {
            if i < n, j < m, key(x[i]) == key(y[j]) {
                let keys = Set((x[i].objectValue ?? [:]).keys).union((y[j].objectValue ?? [:]).keys).subtracting(["kind", "variant"]).sorted()
                let changed = keys.filter { x[i][$0] != y[j][$0] }.map { "\($0) \(show(x[i][$0])) → \(show(y[j][$0]))" }
                if !changed.isEmpty { out.append("~ \(show(x[i]["name"])): " + changed.joined(separator: "; ")) }
                i += 1; j += 1
            } else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] {
                out.append("+ \(describe(y[j]))"); j += 1
            } else {
                out.append("- \(describe(x[i]))"); i += 1
            }
        }
        let ua = a["unassigned"]?.arrayValue?.count ?? 0, ub = b["unassigned"]?.arrayValue?.count ?? 0
        if ua != ub { out.append("~ unassigned nodes: \(ua) → \(ub)") }
        return out
    }
}
