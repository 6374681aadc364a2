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
    /// Per node: its layer name, and whether its name was path-like (informative).
    private let layers: [String]
    private let pathLike: [Bool]

    init(_ graph: Graph) {
        // Only path-like names carry layer names (tf2onnx also makes `Conv__223`).
        // A node without a path-like name is labelled by its output tensor's name (Caffe2 style
        // `gpu_0/res2_0_branch2a_1`).
        let split = graph.nodes.map { node -> [Substring] in
            let own = (node.name ?? "").split(separator: "/", omittingEmptySubsequences: false)
            if own.count > 1 { return own }
            let output = (node.outputs.first ?? "").split(separator: "/", omittingEmptySubsequences: false)
            return output.count > 1 ? output : own
        }
        let paths = split.filter { $0.count > 1 }
        var prefix: [Substring] = []
        if let first = paths.first {
            for (k, part) in first.dropLast().enumerated() {
                let matching = paths.filter { $0.count > k + 1 && $0[k] == part }.count
                if Double(matching) >= 0.9 * Double(paths.count) { prefix.append(part) } else { break }
            }
        }
        sharedPrefix = prefix
        layers = split.map { Self.layerName($0, sharedPrefix: prefix) }
        pathLike = split.map { $0.count > 1 }
    }

    /// The layer part of a node name split at `/`.
    static func layerName(_ parts: [Substring], sharedPrefix: [Substring]) -> String {
        var parts = ArraySlice(parts)
        if parts.count > sharedPrefix.count, Array(parts.prefix(sharedPrefix.count)) == sharedPrefix {
            parts = parts.dropFirst(sharedPrefix.count)
        }
        guard let first = parts.first else { return "" }
        var layer = String(first)
        // Keras 3 op scopes append `_<n>` to the layer name; only strip it inside a path.
        if parts.count >= 2, let underscore = layer.lastIndex(of: "_"), layer.index(after: underscore) < layer.endIndex,
           layer[layer.index(after: underscore)...].allSatisfy(\.isNumber) {
            layer = String(layer[..<underscore])
        }
        return layer
    }

    static let mergeSuffixes = ["_ac", "_out", "_add", "_mixed", "_concat", "_relu", "_conv"]

    /// Names Keras makes up for unnamed layers: they label nothing.
    static func isGeneric(_ layer: String) -> Bool {
        var base = Substring(layer)
        if let underscore = base.lastIndex(of: "_"), base[base.index(after: underscore)...].allSatisfy(\.isNumber),
           base.index(after: underscore) < base.endIndex {
            base = base[..<underscore]
        }
        return layer.isEmpty || ["add", "concatenate", "custom_scale_layer", "lambda", "activation", "conv2d",
                                 "batch_normalization", "max_pooling2d", "average_pooling2d", "tf_op_layer"].contains(String(base))
    }

    /// A name for the block made of `nodes`; `exits` are its output node first, then other
    /// telling nodes (merge, up-projection) tried when the output's layer name is generic.
    func blockName(nodes: [Int], exits: [Int]) -> String {
        let informative = nodes.filter { pathLike[$0] }
        let names = (informative.isEmpty ? nodes : informative).map { layers[$0] }
        // Exits named by the exporter itself (tf2onnx's `Conv__177` for a conv it merged a BN
        // into) label nothing when the block's other nodes carry layer names.
        let candidates = exits.filter { pathLike[$0] || informative.isEmpty }.map { layers[$0] }.filter { !Self.isGeneric($0) }
        guard let exitLayer = candidates.first else {
            // A generic exit (Keras' `add`, tf2onnx's `Conv__177`): the longest `_`-prefix all the
            // block's layer names share (`block_1`, `expanded_conv`), else the first part most share.
            let named = names.filter { !Self.isGeneric($0) }.map { $0.split(separator: "_") }
            if named.count >= 2, var common = named.first {
                for tokens in named.dropFirst() {
                    common = Array(zip(common, tokens).prefix { $0 == $1 }.map(\.0))
                }
                // A prefix that is one layer's role inside the block (MobileNetV2's `_depthwise`) is not the block.
                if common.count > 1, let last = common.last, ["depthwise", "expand", "project", "pad"].contains(String(last)) {
                    common.removeLast()
                }
                if !common.isEmpty { return common.joined(separator: "_") }
            }
            var counts: [Substring: Int] = [:]
            for tokens in named { if let first = tokens.first { counts[first, default: 0] += 1 } }
            if let (prefix, n) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
               n * 2 >= names.count, n >= 2 {
                return String(prefix)
            }
            return exits.first.map { layers[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? "block"
        }
        let tokens = exitLayer.split(separator: "_")
        if tokens.count > 1 {
            for k in stride(from: tokens.count, through: 1, by: -1) {
                let prefix = tokens.prefix(k).joined(separator: "_")
                let sharing = names.filter { $0 == prefix || $0.hasPrefix(prefix + "_") }.count
                if sharing * 2 >= names.count, sharing >= 2 { return prefix }
            }
        }
        for suffix in Self.mergeSuffixes where exitLayer.hasSuffix(suffix) && exitLayer.count > suffix.count {
            return String(exitLayer.dropLast(suffix.count))
        }
        return exitLayer
    }
}
