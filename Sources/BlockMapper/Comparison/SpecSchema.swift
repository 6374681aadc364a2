import Blocks

/// The keys a structure spec may use — the Swift side of
/// `schemas/structure-spec-v1.schema.json` (a test keeps the two equal). A key outside these
/// lists is an error naming the nearest valid key, so a misspelt `stagez` can never turn into
/// a spec that silently checks less.
public enum SpecSchema {
    /// Keys of the spec object. The informational ones `blocks --json` prints
    /// (`statistics`, `coverage`, `unassigned`, `unassignedReasons`) are accepted and not compared,
    /// so a saved `blocks --json` is a valid spec.
    public static let topLevelKeys: [String] = [
        "$schema", "version", "family", "blocks", "stages", "variant", "allowUnassigned",
        "tolerances", "totals", "input", "stem", "head",
        "statistics", "coverage", "unassigned", "unassignedReasons",
    ]
    /// Keys of one block of `blocks` (and of `stem` / `head`): the GUIDE §3 vocabulary plus
    /// the comparison fields of `StructureDocument`. New block fields are added here.
    public static let blockKeys: [String] = [
        "kind", "variant", "name", "outputChannels", "version", "arrangement", "shortcut", "stride",
        "strideConv", "branches", "layers", "k", "l", "m", "n", "scale", "activation",
        "pooling", "classes", "softmax",
        // Residual relatives and plain stages (ResNeXt, Wide ResNet, V1.5, MobileNetV2, VGG).
        "groups", "strideAt", "width", "expansion", "depthwise", "linear", "convs", "hidden",
        // DenseNet's dense layers.
        "growth",
    ]
    /// Keys of one compact stage (`stages` entries that are objects).
    public static let stageKeys: [String] = [
        "kind", "variant", "count", "version", "arrangement", "outputChannels", "layers", "strideConv",
        "groups", "strideAt", "width", "expansion", "depthwise", "linear", "convs", "stride", "shortcut",
        "growth",
    ]
    /// Keys of `totals`.
    public static let totalsKeys: [String] = ["blocks", "parameters", "macs", "stages"]
    /// Numeric fields a spec may give a relative tolerance for.
    public static let toleranceKeys: [String] = ["parameters", "macs", "scale", "outputChannels", "filters"]

    public static let supportedVersions = [StructureDocument.version]

    /// Throws `StructureSpec.InvalidSpec` for a key outside the schema, a wrong version, or a
    /// spec that constrains no structure.
    public static func validate(_ spec: JSONValue) throws {
        guard let object = spec.objectValue else { throw StructureSpec.InvalidSpec("the spec must be a JSON object") }
        try checkKeys(object, allowed: topLevelKeys, at: "")
        if let version = object["version"] {
            guard let v = version.numberValue, supportedVersions.contains(Int(v)), Double(Int(v)) == v else {
                throw StructureSpec.InvalidSpec("'version': \(version) is not a spec version this onnx-blocks reads (\(supportedVersions.map(String.init).joined(separator: ", ")))")
            }
        }
        if let family = object["family"], family.stringValue == nil { throw StructureSpec.InvalidSpec("'family' must be a string") }
        if let allow = object["allowUnassigned"], allow.boolValue == nil { throw StructureSpec.InvalidSpec("'allowUnassigned' must be true or false") }
        if let blocks = object["blocks"] {
            guard let list = blocks.arrayValue, !list.isEmpty else { throw StructureSpec.InvalidSpec("'blocks' must be a non-empty list") }
            for (k, block) in list.enumerated() {
                guard let fields = block.objectValue else { throw StructureSpec.InvalidSpec("blocks[\(k)] must be an object") }
                try checkKeys(fields, allowed: blockKeys, at: "blocks[\(k)]")
            }
        }
        for key in ["stem", "head"] {
            if let block = object[key] {
                guard let fields = block.objectValue else { throw StructureSpec.InvalidSpec("'\(key)' must be an object") }
                try checkKeys(fields, allowed: blockKeys, at: key)
            }
        }
        if let stages = object["stages"] {
            guard let list = stages.arrayValue, !list.isEmpty else { throw StructureSpec.InvalidSpec("'stages' must be a non-empty list") }
            if object["blocks"] != nil { throw StructureSpec.InvalidSpec("give 'blocks' or 'stages', not both") }
            for (k, stage) in list.enumerated() {
                if let n = stage.numberValue, n >= 0, n == n.rounded() { continue }
                guard let fields = stage.objectValue else {
                    throw StructureSpec.InvalidSpec("stages[\(k)]: a block count or {\"kind\", \"variant\", \"count\"} is expected")
                }
                try checkKeys(fields, allowed: stageKeys, at: "stages[\(k)]")
                guard let count = fields["count"]?.numberValue, count >= 0, count == count.rounded() else {
                    throw StructureSpec.InvalidSpec("stages[\(k)]: 'count' (a whole number of blocks) is required")
                }
            }
        }
        if let variant = object["variant"] {
            if variant.stringValue == nil { throw StructureSpec.InvalidSpec("'variant' must be a string") }
            if object["stages"] == nil { throw StructureSpec.InvalidSpec("'variant' applies to 'stages'; there are none") }
        }
        if let totals = object["totals"] {
            guard let fields = totals.objectValue else { throw StructureSpec.InvalidSpec("'totals' must be an object") }
            try checkKeys(fields, allowed: totalsKeys, at: "totals")
        }
        if let tolerances = object["tolerances"] {
            guard let fields = tolerances.objectValue else { throw StructureSpec.InvalidSpec("'tolerances' must be an object") }
            try checkKeys(fields, allowed: toleranceKeys, at: "tolerances")
            for (key, value) in fields where (value.numberValue ?? -1) < 0 {
                throw StructureSpec.InvalidSpec("tolerances.\(key) must be a number >= 0 (relative)")
            }
        }
        let constraining = ["blocks", "stages", "totals", "stem", "head"].filter { object[$0] != nil }
        if constraining.isEmpty {
            let only = object["family"] != nil ? "only the family (any \(FieldDifference.show(object["family"])) model would pass)" : "nothing"
            throw StructureSpec.InvalidSpec("the spec constrains \(only); give 'stages', 'blocks' or 'totals'")
        }
    }

    static func checkKeys(_ object: [String: JSONValue], allowed: [String], at place: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            let hint = nearest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
            let location = place.isEmpty ? "" : "\(place): "
            throw StructureSpec.InvalidSpec("\(location)unknown key '\(key)'\(hint); valid keys: \(allowed.joined(separator: ", "))")
        }
    }

    /// The allowed key closest in edit distance (at most about a third of the key's length).
    public static func nearest(to key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) { return best.0 }
        // An abbreviation (`params` for `parameters`): its letters in order, same first letter.
        let lower = key.lowercased()
        guard lower.count >= 3 else { return nil }
        return allowed.first { candidate in
            let c = candidate.lowercased()
            guard c.first == lower.first else { return false }
            var rest = Substring(c)
            for ch in lower {
                guard let at = rest.firstIndex(of: ch) else { return false }
                rest = rest[rest.index(after: at)...]
            }
            return true
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var row = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return x.isEmpty ? y.count : row[y.count]
    }
}
