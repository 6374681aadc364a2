import Blocks

/// `verify`'s compact form: `stages` as counts or `{"kind", "variant", "count", …}` runs,
/// each field (version, arrangement, outputChannels, layers, strideConv) required of every
/// block of the stage; `stem` / `head` compared field by field.
struct CompactStageCheck {
    var comparison: FieldComparison
    var defaultVariant: String?

    /// Fields a stage entry asks of each of its blocks, beyond kind/variant/count.
    static let perBlockFields = ["version", "arrangement", "outputChannels", "layers"]

    func checks(_ blocks: [JSONValue], _ expected: [JSONValue], stem: JSONValue?, head: JSONValue?) -> [StructureCheck] {
        var checks: [StructureCheck] = []
        if let stem {
            checks.append(section("stem", stem, blocks.first { $0["kind"]?.stringValue == "stem" }))
        }
        let body = blocks.filter { !["stem", "head"].contains($0["kind"]?.stringValue ?? "") }
        let runs = StageLayout(bodyBlocks: body).stages
        for (k, entry) in expected.enumerated() {
            checks.append(stage(k, entry, runs: runs, body: body))
        }
        if runs.count > expected.count {
            checks.append(StructureCheck(name: "stages", failure: "stages: expected \(expected.count) stages, found \(runs.count)"))
        }
        if let head {
            checks.append(section("head", head, blocks.last { $0["kind"]?.stringValue == "head" }))
        }
        return checks
    }

    func section(_ name: String, _ spec: JSONValue, _ block: JSONValue?) -> StructureCheck {
        guard let block else { return StructureCheck(name: name, failure: "\(name): expected one, found none") }
        let problems = comparison.differences(spec, block)
        return StructureCheck(name: name, failure: problems.isEmpty ? nil
            : "\(block["name"]?.stringValue ?? name): " + problems.map(\.description).joined(separator: "; "))
    }

    func stage(_ k: Int, _ entry: JSONValue, runs: [StageLayout.Stage], body: [JSONValue]) -> StructureCheck {
        let name = "stage \(k + 1)"
        let count: Int, kind: String?, variant: String?
        if let n = entry.intValue, entry.objectValue == nil {
            (count, kind, variant) = (n, "residual", defaultVariant)
        } else {
            (count, kind, variant) = (entry["count"]?.intValue ?? 0, entry["kind"]?.stringValue, entry["variant"]?.stringValue ?? defaultVariant)
        }
        let what = [variant, kind == "residual" ? nil : kind].compactMap { $0 }.joined(separator: " ")
        let noun = what.isEmpty ? "blocks" : "\(what) blocks"
        guard k < runs.count else {
            return StructureCheck(name: name, failure: "\(name): expected \(count) \(noun), found none (the model has \(runs.count) stages)")
        }
        let run = runs[k]
        let members = run.blockIndices.map { body[$0] }
        var problems: [String] = []
        if let kind, kind != run.kind { problems.append("expected \(kind) blocks, found \(run.kind)") }
        if let variant, variant != run.variant { problems.append("expected \(variant) blocks, found \(run.variant)") }
        if members.count != count { problems.append("expected \(count) \(noun), found \(members.count)") }
        for field in Self.perBlockFields {
            guard let wanted = entry[field] else { continue }
            if let problem = firstMismatch(field, wanted, in: members) { problems.append(problem) }
        }
        if let wanted = entry["strideConv"] {
            // Only strided blocks say where the stride sits.
            let strided = members.filter { ($0["stride"]?.intValue ?? 1) > 1 }
            if let problem = firstMismatch("strideConv", wanted, in: strided) { problems.append(problem) }
        }
        let first = members.first?["name"]?.stringValue ?? ""
        return StructureCheck(name: name, failure: problems.isEmpty ? nil : "\(name) (\(first)…): " + problems.joined(separator: "; "))
    }

    /// The first block lacking `field: wanted`, as "block: field … expected, … found".
    func firstMismatch(_ field: String, _ wanted: JSONValue, in blocks: [JSONValue]) -> String? {
        for block in blocks {
            let differences = comparison.differences(.object([field: wanted]), block)
            if !differences.isEmpty {
                return "\(block["name"]?.stringValue ?? "?"): " + differences.map(\.description).joined(separator: "; ")
            }
        }
        return nil
    }
}
