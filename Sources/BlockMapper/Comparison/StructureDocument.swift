import Blocks

/// The document `blocks --json` prints and `verify` / `diff` compare: the GUIDE §3 vocabulary
/// plus what that vocabulary alone cannot tell apart (ResNet-50 from ResNeXt-50 or
/// Wide-ResNet-50, the stride on the 1×1 or on the 3×3): every block's conv `layers`
/// (kernel, stride, filters, groups), residual blocks' `strideConv`, and model `totals`.
///
/// Comparison is generic over fields, so fields the vocabulary gains later are compared
/// without changes here.
public enum StructureDocument {
    /// The version of the document and spec format (`schemas/structure-spec-v1.schema.json`).
    public static let version = 1

    public static func make(_ recognition: Recognition) -> JSONValue {
        enrich(recognition.describe(), network: recognition.network)
    }

    public static func make(_ network: Network) -> JSONValue {
        enrich(network.describe(), network: network)
    }

    static func enrich(_ base: JSONValue, network: Network) -> JSONValue {
        guard case .object(var doc) = base, var blocks = doc["blocks"]?.arrayValue else { return base }
        // blocks = [stem, body…, head?], as Network.describe() lists them.
        if case .object(var stem)? = blocks.first {
            stem["layers"] = layers(Layer.convs(in: network.stem.layers))
            blocks[0] = .object(stem)
        }
        for (k, block) in network.blocks.enumerated() where k + 1 < blocks.count {
            guard case .object(var fields) = blocks[k + 1] else { continue }
            let convs: [Conv]
            switch block {
            case .residual(let b):
                convs = Layer.convs(in: b.residual)
                if let position = convs.firstIndex(where: { $0.strides.height > 1 || $0.strides.width > 1 }) {
                    fields["strideConv"] = .int(position + 1)
                }
            case .inception(let b): convs = Layer.convs(in: b.body)
            case .reduction(let b): convs = Layer.convs(in: b.body)
            case .inceptionResNet(let b): convs = Layer.convs(in: b.residual)
            case .transition, .convStage:
                // Their `layers` already list every layer (convs, pools, LRN) in order.
                continue
            case .invertedResidual(let b): convs = Layer.convs(in: b.layers)
            case .dense(let b): convs = Layer.convs(in: b.path)
            }
            fields["layers"] = layers(convs)
            blocks[k + 1] = .object(fields)
        }
        doc["blocks"] = .array(blocks)
        doc["version"] = .int(version)
        doc["totals"] = totals(network)
        return .object(doc)
    }

    /// One entry per conv, depth first: the numbers that define its computation.
    static func layers(_ convs: [Conv]) -> JSONValue {
        .array(convs.map { c in
            var entry: [String: JSONValue] = [
                "kernel": .array([.int(c.kernel.height), .int(c.kernel.width)]),
                "stride": c.strides.height == c.strides.width ? .int(c.strides.height) : .array([.int(c.strides.height), .int(c.strides.width)]),
                "filters": .int(c.outputChannels),
                "groups": .int(c.group),
            ]
            if c.dilations != .one { entry["dilation"] = .array([.int(c.dilations.height), .int(c.dilations.width)]) }
            return .object(entry)
        })
    }

    /// Per-model totals: body block count, parameters, MACs, and each stage's depth and width.
    static func totals(_ network: Network) -> JSONValue {
        let shapes = network.blockInputShapes
        let stats = network.statistics()
        let stages = StageLayout(network: network).stages.map { stage -> JSONValue in
            let last = stage.blockIndices.last!
            return .object([
                "kind": .string(stage.kind), "variant": .string(stage.variant),
                "depth": .int(stage.blockIndices.count),
                "outputChannels": .int(network.blocks[last].outputShape(for: shapes[last]).channels),
            ])
        }
        return .object([
            "blocks": .int(network.blocks.count),
            "parameters": .int(network.parameterCount),
            "macs": .int(stats.reduce(0) { $0 + $1.macs }),
            "stages": .array(stages),
        ])
    }

    /// "16 blocks (plus stem and head)": the one way every output counts blocks.
    public static func countPhrase(bodyBlocks: Int, hasHead: Bool = true) -> String {
        "\(bodyBlocks) block\(bodyBlocks == 1 ? "" : "s") (plus stem\(hasHead ? " and head" : ""))"
    }
}
