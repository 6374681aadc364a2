import ONNXIR

/// Labels blocks from node names. Labels only: the structure never depends on them.
///
/// Keras exports name nodes `functional_1/<layer>_1/<op>`; the layer name is the useful part.
/// A block is named by the longest `_`-separated prefix of its exit node's layer name that at
/// least half of its nodes share (`conv2_block1`), else by the exit layer name without a
/// merge suffix (`block35_1_ac` → `block35_1`, `mixed5`).
struct BlockNamer {
    /// Leading path components shared by (nearly) every node, e.g. `functional_1`.
    private let sharedPrefix: [Substring]

    init(_ graph: Graph) {
        // Only path-like names carry layer names (tf2onnx also makes `Conv__223`).
        let names = graph.nodes.compactMap(\.name).filter { $0.contains("/") }
        var prefix: [Substring] = []
        if let first = names.first {
            let parts = first.split(separator: "/")
            for (k, part) in parts.dropLast().enumerated() {
                let matching = names.filter { n in
                    let p = n.split(separator: "/")
                    return p.count > k + 1 && p[k] == part
                }.count
                if Double(matching) >= 0.9 * Double(names.count) { prefix.append(part) } else { break }
            }
        }
        sharedPrefix = prefix
    }

    /// The layer part of a node name.
    func layerName(_ nodeName: String) -> String {
        var parts = nodeName.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > sharedPrefix.count, Array(parts.prefix(sharedPrefix.count)) == sharedPrefix {
            parts.removeFirst(sharedPrefix.count)
        }
        guard var layer = parts.first.map(String.init) else { return nodeName }
        // Keras 3 op scopes append `_<n>` to the layer name; only strip it inside a path.
        if parts.count >= 2, let underscore = layer.lastIndex(of: "_"),
           layer[layer.index(after: underscore)...].allSatisfy(\.isNumber), layer.index(after: underscore) < layer.endIndex {
            layer = String(layer[..<underscore])
        }
        return layer
    }

    static let mergeSuffixes = ["_ac", "_out", "_add", "_mixed", "_concat", "_relu"]

    func blockName(nodeNames: [String], exit: String) -> String {
        let pathNames = nodeNames.filter { $0.contains("/") }
        let layers = (pathNames.isEmpty ? nodeNames : pathNames).map(layerName)
        let exitLayer = layerName(exit)
        let tokens = exitLayer.split(separator: "_")
        if tokens.count > 1 {
            for k in stride(from: tokens.count, through: 1, by: -1) {
                let prefix = tokens.prefix(k).joined(separator: "_")
                let sharing = layers.filter { $0 == prefix || $0.hasPrefix(prefix + "_") }.count
                if sharing * 2 >= layers.count, sharing >= 2 { return prefix }
            }
        }
        for suffix in Self.mergeSuffixes where exitLayer.hasSuffix(suffix) && exitLayer.count > suffix.count {
            return String(exitLayer.dropLast(suffix.count))
        }
        return exitLayer
    }
}
