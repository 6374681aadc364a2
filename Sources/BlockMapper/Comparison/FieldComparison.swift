import Blocks

/// Recursive field-by-field comparison of two JSON documents — the single rule behind `verify`
/// (a spec against a model: only the fields the spec gives are compared) and `diff` (two
/// models: every field either has). Because it walks whatever fields are there, fields a
/// block kind gains later are compared with no change here.
public struct FieldComparison: Sendable {
    /// Which fields count: a spec names only what it cares about; a diff compares everything.
    public enum Mode: Sendable {
        /// Spec semantics: a field the expected side leaves out is not compared.
        case subset
        /// Diff semantics: a field on either side is compared.
        case symmetric
    }

    public var mode: Mode
    /// Keys never compared (by default the names: exports name blocks differently).
    public var ignoredKeys: Set<String>
    /// Relative tolerance per numeric field name (a spec's `tolerances`); others compare
    /// exactly, up to 1e-9 relative so printed decimals (a 0.17 scale) read back equal.
    public var tolerances: [String: Double]

    public init(mode: Mode, ignoredKeys: Set<String> = ["name"], tolerances: [String: Double] = [:]) {
        self.mode = mode
        self.ignoredKeys = ignoredKeys
        self.tolerances = tolerances
    }

    public func differences(_ expected: JSONValue, _ actual: JSONValue?, path: String = "") -> [FieldDifference] {
        if mode == .subset, let alternatives = Self.alternatives(expected) {
            if alternatives.contains(where: { differences($0, actual, path: path).isEmpty }) { return [] }
            return [FieldDifference(path: path, expected: expected, actual: actual, alternatives: alternatives)]
        }
        guard let actual else { return [FieldDifference(path: path, expected: expected, actual: nil)] }
        switch (expected, actual) {
        case (.object(let e), .object(let a)):
            let keys = mode == .subset ? Set(e.keys) : Set(e.keys).union(a.keys)
            return keys.subtracting(ignoredKeys).sorted().flatMap { key -> [FieldDifference] in
                let sub = path.isEmpty ? key : "\(path).\(key)"
                guard let ev = e[key] else { return [FieldDifference(path: sub, expected: nil, actual: a[key])] }
                return differences(ev, a[key], path: sub)
            }
        case (.array(let e), .array(let a)):
            guard e.count == a.count else {
                // Scalar lists (a kernel) read best whole; longer structures by their length.
                let scalars = (e + a).allSatisfy { $0.objectValue == nil && $0.arrayValue == nil }
                if scalars { return [FieldDifference(path: path, expected: expected, actual: actual)] }
                return [FieldDifference(path: "\(path) length", expected: .int(e.count), actual: .int(a.count))]
            }
            return zip(e, a).enumerated().flatMap { k, pair in differences(pair.0, pair.1, path: "\(path)[\(k)]") }
        case (.number(let x), .number(let y)):
            let key = Self.leafKey(path)
            let tolerance = tolerances[key] ?? 1e-9
            return abs(x - y) <= tolerance * max(1, abs(x)) ? [] : [FieldDifference(path: path, expected: expected, actual: actual)]
        default:
            return expected == actual ? [] : [FieldDifference(path: path, expected: expected, actual: actual)]
        }
    }

    /// `{"anyOf": [a, b]}`: a spec value that accepts any of several (a ResNet-50 spec that
    /// takes both stride positions says so this way).
    static func alternatives(_ value: JSONValue) -> [JSONValue]? {
        guard case .object(let o) = value, o.count == 1, let list = o["anyOf"]?.arrayValue else { return nil }
        return list
    }

    /// `layers[1].groups` → `groups`.
    static func leafKey(_ path: String) -> String {
        var key = Substring(path)
        if let dot = key.lastIndex(of: ".") { key = key[key.index(after: dot)...] }
        if let bracket = key.firstIndex(of: "[") { key = key[..<bracket] }
        return String(key)
    }
}
