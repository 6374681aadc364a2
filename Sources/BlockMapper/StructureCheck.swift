import Blocks

/// One comparison `verify` makes: a named case (a block, a stage, the family, coverage)
/// that passed or failed with a readable message.
public struct StructureCheck: Sendable, Equatable {
    public var name: String
    public var failure: String?
    public var passed: Bool { failure == nil }
    public init(name: String, failure: String? = nil) {
        self.name = name
        self.failure = failure
    }
}

/// Compares a recognized structure with a spec. A spec is either the full form (as
/// `blocks --json` writes: `family`, `blocks`, optional `unassigned`), where any field left
/// out of a block is not compared, or the compact form: `family` plus `stages`, a list of
/// `{"kind", "variant", "count"}` runs (or plain counts of residual blocks with an optional
/// top-level `variant`). Unassigned nodes fail the check unless the spec sets
/// `"allowUnassigned": true`.
public enum StructureSpec {
    public struct InvalidSpec: Error, CustomStringConvertible {
        public var description: String
    }

    public static func check(_ actual: JSONValue, against spec: JSONValue) throws -> [StructureCheck] {
        guard spec.objectValue != nil else { throw InvalidSpec(description: "the spec must be a JSON object") }
        var checks: [StructureCheck] = []
        if let family = spec["family"] {
            let got = actual["family"]
            checks.append(StructureCheck(name: "family", failure: got == family ? nil : "family: expected \(family), found \(got.map(\.description) ?? "none")"))
        }
        let allow = spec["allowUnassigned"]?.boolValue ?? false
        let unassigned = actual["unassigned"]?.arrayValue ?? []
        if !allow {
            let cov = actual["coverage"]
            checks.append(StructureCheck(name: "coverage", failure: unassigned.isEmpty ? nil :
                "coverage: \(unassigned.count) of \(cov?["nodes"]?.intValue ?? 0) nodes belong to no block (first: \(unassigned.first?.stringValue ?? ""))"))
        }
        let blocks = actual["blocks"]?.arrayValue ?? []
        if let expected = spec["blocks"]?.arrayValue {
            checks += compareBlocks(blocks, expected)
        } else if let stages = spec["stages"]?.arrayValue {
            checks += try compareStages(blocks, stages, defaultVariant: spec["variant"]?.stringValue)
        } else if spec["family"] == nil {
            throw InvalidSpec(description: "the spec has neither 'blocks' nor 'stages' nor 'family'")
        }
        return checks
    }

    static func label(_ block: JSONValue, index: Int) -> String {
        block["name"]?.stringValue ?? "block \(index + 1)"
    }

    static func show(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return v.description
    }

    static func compareBlocks(_ actual: [JSONValue], _ expected: [JSONValue]) -> [StructureCheck] {
        var checks: [StructureCheck] = []
        for (k, e) in expected.enumerated() {
            let name = label(e, index: k)
            guard k < actual.count else {
                checks.append(StructureCheck(name: name, failure: "\(name): expected a \(show(e["kind"] ?? "")) block, found none (the model has \(actual.count) blocks)"))
                continue
            }
            let a = actual[k]
            var problems: [String] = []
            for (key, value) in (e.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let got = a[key]
                if !matches(got, value) {
                    problems.append("\(key) \(show(value)) expected, \(got.map(show) ?? "none") found")
                }
            }
            checks.append(StructureCheck(name: name, failure: problems.isEmpty ? nil : "\(name): " + problems.joined(separator: "; ")))
        }
        if actual.count > expected.count {
            for (k, a) in actual.enumerated().dropFirst(expected.count) {
                let name = label(a, index: k)
                checks.append(StructureCheck(name: name, failure: "\(name): unexpected \(show(a["kind"] ?? "")) block (expected \(expected.count) blocks, found \(actual.count))"))
            }
        }
        return checks
    }

    /// Numbers compare with a small relative tolerance (scales like 0.17 print as floats).
    static func matches(_ got: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let got else { return false }
        if case .number(let a) = got, case .number(let b) = expected { return abs(a - b) <= 1e-6 * max(1, abs(b)) }
        return got == expected
    }

    /// Runs of blocks: residual stages start at a projection shortcut; other kinds at a change of kind/variant.
    public static func stages(of blocks: [JSONValue]) -> [(kind: String, variant: String, names: [String], blocks: [JSONValue])] {
        var runs: [(kind: String, variant: String, names: [String], blocks: [JSONValue])] = []
        for b in blocks {
            let kind = b["kind"]?.stringValue ?? "", variant = b["variant"]?.stringValue ?? ""
            guard kind != "stem", kind != "head" else { continue }
            let name = b["name"]?.stringValue ?? ""
            let newRun: Bool
            if let last = runs.last {
                if kind == "residual" { newRun = last.kind != kind || b["shortcut"]?.stringValue == "projection" }
                else { newRun = last.kind != kind || last.variant != variant }
            } else { newRun = true }
            if newRun { runs.append((kind, variant, [name], [b])) } else {
                runs[runs.count - 1].names.append(name)
                runs[runs.count - 1].blocks.append(b)
            }
        }
        return runs
    }

    static func compareStages(_ actual: [JSONValue], _ expected: [JSONValue], defaultVariant: String?) throws -> [StructureCheck] {
        let runs = stages(of: actual)
        var checks: [StructureCheck] = []
        for (k, e) in expected.enumerated() {
            let name = "stage \(k + 1)"
            let count: Int, kind: String?, variant: String?
            if let n = e.intValue {
                (count, kind, variant) = (n, "residual", defaultVariant)
            } else if let c = e["count"]?.intValue {
                (count, kind, variant) = (c, e["kind"]?.stringValue, e["variant"]?.stringValue ?? defaultVariant)
            } else {
                throw InvalidSpec(description: "stage \(k + 1): a count or {\"kind\", \"variant\", \"count\"} is expected")
            }
            let what = [variant, kind == "residual" ? nil : kind].compactMap { $0 }.joined(separator: " ")
            let noun = what.isEmpty ? "blocks" : "\(what) blocks"
            guard k < runs.count else {
                checks.append(StructureCheck(name: name, failure: "\(name): expected \(count) \(noun), found none (the model has \(runs.count) stages)"))
                continue
            }
            let run = runs[k]
            var problems: [String] = []
            if let kind, kind != run.kind { problems.append("expected \(kind) blocks, found \(run.kind)") }
            if let variant, variant != run.variant { problems.append("expected \(variant) blocks, found \(run.variant)") }
            if run.names.count != count { problems.append("expected \(count) \(noun), found \(run.names.count)") }
            if let version = e["version"]?.intValue {
                let other = run.blocks.filter { $0["version"]?.intValue != version }
                if let first = other.first {
                    problems.append("expected version \(version), found version \(show(first["version"] ?? .null)) (\(show(first["name"] ?? .null)))")
                }
            }
            checks.append(StructureCheck(name: name, failure: problems.isEmpty ? nil : "\(name) (\(run.names.first ?? "")…): " + problems.joined(separator: "; ")))
        }
        if runs.count > expected.count {
            checks.append(StructureCheck(name: "stages", failure: "expected \(expected.count) stages, found \(runs.count)"))
        }
        return checks
    }
}
