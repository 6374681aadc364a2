import Blocks

/// One comparison `verify` makes: a named case (a block, a stage, the family, coverage)
/// that passed or failed with a readable message. Names are unique within one run (they
/// become JUnit test-case names).
public struct StructureCheck: Sendable, Equatable {
    public var name: String
    public var failure: String?
    public var passed: Bool { failure == nil }
    public init(name: String, failure: String? = nil) {
        self.name = name
        self.failure = failure
    }
}

/// Compares a model's `StructureDocument` with a spec (`schemas/structure-spec-v1.schema.json`).
///
/// A spec is either the full form (`blocks`, as `blocks --json` writes; a field left out of a
/// block is not compared) or the compact form (`stages`: block counts, or
/// `{"kind", "variant", "count", …}` runs whose fields every block of the stage must have).
/// Full-form blocks are aligned by structure (`BlockAlignment`), so one inserted block reads as
/// one unexpected block. Names are compared only with `compareNames`. Unassigned nodes fail
/// the check unless the spec sets `"allowUnassigned": true`.
public enum StructureSpec {
    /// A spec document that cannot be checked against (wrong schema, bad field), with the reason.
    public struct InvalidSpec: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
        public init(description: String) { self.description = description }
    }

    public static func check(_ actual: JSONValue, against spec: JSONValue, compareNames: Bool = false) throws -> [StructureCheck] {
        try SpecSchema.validate(spec)
        let tolerances = (spec["tolerances"]?.objectValue ?? [:]).compactMapValues(\.numberValue)
        let comparison = FieldComparison(mode: .subset, ignoredKeys: compareNames ? [] : ["name"], tolerances: tolerances)
        var checks: [StructureCheck] = []
        if let family = spec["family"] {
            let got = actual["family"]
            checks.append(StructureCheck(name: "family", failure: got == family ? nil
                : "family: expected \(FieldDifference.show(family)), found \(FieldDifference.show(got))"))
        }
        if !(spec["allowUnassigned"]?.boolValue ?? false) {
            let unassigned = actual["unassigned"]?.arrayValue ?? []
            checks.append(StructureCheck(name: "coverage", failure: unassigned.isEmpty ? nil :
                "coverage: \(unassigned.count) of \(actual["coverage"]?["nodes"]?.intValue ?? 0) nodes belong to no block (first: \(unassigned.first?.stringValue ?? ""))"))
        }
        if let input = spec["input"] {
            let problems = comparison.differences(input, actual["input"], path: "input")
            checks.append(StructureCheck(name: "input", failure: problems.isEmpty ? nil : problems.map(\.description).joined(separator: "; ")))
        }
        let blocks = actual["blocks"]?.arrayValue ?? []
        if let expected = spec["blocks"]?.arrayValue {
            checks += compareBlocks(blocks, expected, comparison: comparison)
        } else if let stages = spec["stages"]?.arrayValue {
            checks += CompactStageCheck(comparison: comparison, defaultVariant: spec["variant"]?.stringValue)
                .checks(blocks, stages, stem: spec["stem"], head: spec["head"])
        }
        if let totals = spec["totals"] {
            let problems = comparison.differences(totals, actual["totals"], path: "totals")
            checks.append(StructureCheck(name: "totals", failure: problems.isEmpty ? nil : problems.map(\.description).joined(separator: "; ")))
        }
        return uniquelyNamed(checks)
    }

    static func compareBlocks(_ actual: [JSONValue], _ expected: [JSONValue], comparison: FieldComparison) -> [StructureCheck] {
        BlockAlignment(first: expected, second: actual, comparison: comparison).pairs.map { pair in
            switch pair {
            case let .both(spec, model, differences):
                return StructureCheck(name: model.place.description, failure: differences.isEmpty ? nil
                    : "\(model.name): " + differences.map(\.description).joined(separator: "; "))
            case let .onlyFirst(spec):
                return StructureCheck(name: "\(spec.place) (missing)",
                                      failure: "\(spec.place): expected a \(spec.kindLabel) block (\(spec.name)), found none")
            case let .onlySecond(model):
                return StructureCheck(name: "\(model.place) (unexpected)",
                                      failure: "\(model.name) (\(model.place)): unexpected \(model.kindLabel) block")
            }
        }
    }

    /// JUnit readers merge test cases of one name; a repeat gets ` #2`, ` #3`.
    static func uniquelyNamed(_ checks: [StructureCheck]) -> [StructureCheck] {
        var seen: [String: Int] = [:]
        return checks.map { check in
            var c = check
            let n = (seen[c.name] ?? 0) + 1
            seen[c.name] = n
            if n > 1 { c.name += " #\(n)" }
            return c
        }
    }
}
