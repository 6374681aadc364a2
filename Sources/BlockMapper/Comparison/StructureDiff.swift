import Blocks

/// Block-level differences between two models' `StructureDocument`s (`onnx-blocks diff`):
/// blocks aligned by structure (`BlockAlignment`), each inserted, removed or changed block
/// reported once; model-level fields (family, input, unassigned count) after them. Totals
/// (parameters, MACs) follow from the blocks, so they are summarized, not listed as changes.
public struct StructureDiff: Sendable {
    /// One difference between two structures: a block added, removed or changed, or a model field.
    public enum Change: Sendable, Equatable {
        case added(BlockAlignment.Entry)
        case removed(BlockAlignment.Entry)
        case changed(BlockAlignment.Entry, BlockAlignment.Entry, [FieldDifference])
        case model(FieldDifference)
    }

    public var changes: [Change]
    /// Body blocks (stem and head not counted) of each model.
    public var blockCounts: (first: Int, second: Int)
    public var totals: (first: JSONValue?, second: JSONValue?)
    public var isEmpty: Bool { changes.isEmpty }

    public init(_ a: JSONValue, _ b: JSONValue, compareNames: Bool = false) {
        let comparison = FieldComparison(mode: .symmetric, ignoredKeys: compareNames ? [] : ["name"])
        var changes: [Change] = []
        let alignment = BlockAlignment(first: a["blocks"]?.arrayValue ?? [], second: b["blocks"]?.arrayValue ?? [], comparison: comparison)
        for pair in alignment.pairs {
            switch pair {
            case let .both(x, y, differences) where !differences.isEmpty: changes.append(.changed(x, y, differences))
            case .both: break
            case let .onlyFirst(x): changes.append(.removed(x))
            case let .onlySecond(y): changes.append(.added(y))
            }
        }
        for key in ["family", "input"] {
            let x = a[key] ?? .null, y = b[key] ?? .null
            changes += comparison.differences(x, y, path: key).map(Change.model)
        }
        let ua = a["unassigned"]?.arrayValue?.count ?? 0, ub = b["unassigned"]?.arrayValue?.count ?? 0
        if ua != ub { changes.append(.model(FieldDifference(path: "unassigned nodes", expected: .int(ua), actual: .int(ub)))) }
        self.changes = changes
        func bodyCount(_ doc: JSONValue) -> Int {
            doc["totals"]?["blocks"]?.intValue
                ?? (doc["blocks"]?.arrayValue ?? []).filter { !["stem", "head"].contains($0["kind"]?.stringValue ?? "") }.count
        }
        blockCounts = (bodyCount(a), bodyCount(b))
        totals = (a["totals"], b["totals"])
    }

    /// `+ conv4_block7 (residual/bottleneck, stage 3 block 7)` and the like, one per change.
    public var lines: [String] {
        changes.map { change in
            switch change {
            case let .added(y): return "+ \(y.name) (\(y.kindLabel), \(y.place))"
            case let .removed(x): return "- \(x.name) (\(x.kindLabel), \(x.place))"
            case let .changed(x, y, differences):
                let label = x.name == y.name ? x.name : "\(x.name) → \(y.name)"
                return "~ \(label) (\(y.place)): " + differences.map(\.change).joined(separator: "; ")
            case let .model(difference): return "~ \(difference.change)"
            }
        }
    }

    /// The machine form: `{"equal", "blocks": [a, b], "added": […], "removed": […], "changed": […], "model": […]}`.
    public var document: JSONValue {
        func entry(_ e: BlockAlignment.Entry) -> JSONValue {
            .object(["name": .string(e.name), "kind": e.block["kind"] ?? .null, "variant": e.block["variant"] ?? .null,
                     "place": .string(e.place.description)])
        }
        func fields(_ d: [FieldDifference]) -> JSONValue {
            .array(d.map { .object(["field": .string($0.path), "from": $0.expected ?? .null, "to": $0.actual ?? .null]) })
        }
        var added: [JSONValue] = [], removed: [JSONValue] = [], changed: [JSONValue] = [], model: [JSONValue] = []
        for change in changes {
            switch change {
            case let .added(y): added.append(entry(y))
            case let .removed(x): removed.append(entry(x))
            case let .changed(x, y, d): changed.append(.object(["from": entry(x), "to": entry(y), "fields": fields(d)]))
            case let .model(d): model.append(fields([d]).arrayValue![0])
            }
        }
        return .object([
            "equal": .bool(isEmpty), "blocks": .array([.int(blockCounts.first), .int(blockCounts.second)]),
            "added": .array(added), "removed": .array(removed), "changed": .array(changed), "model": .array(model),
        ])
    }
}
