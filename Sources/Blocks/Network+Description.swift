/// The block vocabulary of GUIDE §3 (exactly its fields, as `fixtures/README.md` spells them):
/// what `blocks --json` prints and `verify` compares. Weights are never part of a description;
/// sizes and costs are in `statistics()`.
extension Network {
    /// One row per block (stem, body, head) with its cost, for the readable tree and `--json`'s
    /// `statistics`.
    public struct BlockStatistics: Sendable, Equatable {
        public var name: String
        public var input: FeatureShape
        public var output: FeatureShape
        public var parameters: Int
        public var macs: Int
    }

    public func statistics() -> [BlockStatistics] {
        var rows: [BlockStatistics] = []
        var shape = inputShape
        let stemOut = stem.outputShape(for: shape)
        rows.append(.init(name: stem.name, input: shape, output: stemOut, parameters: stem.parameterCount, macs: stem.macs(for: shape)))
        shape = stemOut
        for block in blocks {
            shape = entryShapes[block.name] ?? shape
            let out = block.outputShape(for: shape)
            rows.append(.init(name: block.name, input: shape, output: out, parameters: block.parameterCount, macs: block.macs(for: shape)))
            shape = out
        }
        if let head {
            shape = entryShapes[head.name] ?? shape
            let pooled = Layer.outputShape(of: tail, for: shape)
            rows.append(.init(name: head.name, input: shape, output: FeatureShape(channels: head.classes, height: 1, width: 1),
                              parameters: head.parameterCount + Layer.parameterCount(of: tail),
                              macs: head.macs + Layer.macs(of: tail, for: shape) + (pooled == shape ? 0 : 0)))
        }
        return rows
    }

    /// `{"family", "input", "blocks": [stem, body…, head], "statistics"}` (the recognizer adds
    /// `coverage` and `unassigned`).
    public func describe() -> JSONValue {
        var list: [JSONValue] = []
        var shape = inputShape
        list.append(stem.describe(input: shape))
        shape = stem.outputShape(for: shape)
        for block in blocks {
            shape = entryShapes[block.name] ?? shape
            list.append(block.describe(input: shape))
            shape = block.outputShape(for: shape)
        }
        shape = Layer.outputShape(of: tail, for: shape)
        if let head { list.append(head.describe(featureShape: shape)) }
        return .object([
            "family": .string(family.rawValue),
            "input": .object([
                "name": .string(inputName), "layout": .string(inputLayout.rawValue),
                "channels": .number(Double(inputShape.channels)),
                "height": .number(Double(inputShape.height)), "width": .number(Double(inputShape.width)),
            ]),
            "blocks": .array(list),
            "statistics": .array(statistics().map {
                .object(["name": .string($0.name), "parameters": .int($0.parameters), "macs": .int($0.macs),
                         "output": .array([.int($0.output.channels), .int($0.output.height), .int($0.output.width)])])
            }),
        ])
    }
}

extension Stem {
    public func describe(input: FeatureShape) -> JSONValue {
        .object([
            "kind": "stem", "variant": .string(variant.rawValue), "name": .string(name),
            "outputChannels": .int(outputShape(for: input).channels),
        ])
    }
}

extension Head {
    public func describe(featureShape: FeatureShape) -> JSONValue {
        .object([
            "kind": "head", "variant": "classifier", "name": .string(name),
            "pooling": .string(pooling.vocabularyName), "classes": .int(classes), "softmax": .bool(softmax),
        ].merging(hidden.isEmpty ? [:] : ["hidden": .array(hidden.map { .int($0.outputFeatures) })]) { a, _ in a })
    }
}

extension Block {
    public func describe(input: FeatureShape) -> JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string(kind), "variant": .string(variant), "name": .string(name),
            "outputChannels": .int(outputShape(for: input).channels),
        ]
        switch self {
        case .residual(let b):
            fields["version"] = .int(b.version)
            fields["arrangement"] = .string(b.arrangement.rawValue)
            fields["shortcut"] = .string(b.shortcut.kindName)
            fields["stride"] = .int(b.stride)
            if b.groups > 1 { fields["groups"] = .int(b.groups) }
            if b.variant == .bottleneck, b.version == 1, b.stride > 1, let at = b.stridedKernel, at != Size2(1) { fields["strideAt"] = .string(at.description) }
            if b.variant == .bottleneck, let mid = b.bottleneckWidth, mid * 4 != b.outputChannels { fields["width"] = .int(mid) }
        case .invertedResidual(let b):
            fields["expansion"] = b.expansionValue
            fields["stride"] = .int(b.stride)
            fields["shortcut"] = .string(b.hasShortcut ? "identity" : "none")
            fields["depthwise"] = .bool(Layer.convs(in: b.layers).contains(where: \.isDepthwise))
            fields["linear"] = .bool(b.isLinear)
        case .transition(let b):
            fields["layers"] = Layer.describe(chain: b.layers)
            fields["stride"] = .int(b.stride)
        case .dense(let b):
            fields["growth"] = .int(b.growth)
            fields["layers"] = Layer.describe(chain: b.path)
        case .convStage(let b):
            fields["layers"] = Layer.describe(chain: b.layers)
            fields["convs"] = .int(Layer.convs(in: b.layers).count)
            fields["stride"] = .int(b.stride)
        case .inception(let b):
            fields["branches"] = .array(b.branches.map(Layer.describe(chain:)))
        case .reduction(let b):
            if let f = b.filters {
                fields["k"] = .int(f.k); fields["l"] = .int(f.l); fields["m"] = .int(f.m); fields["n"] = .int(f.n)
            }
        case .inceptionResNet(let b):
            fields["version"] = .int(b.version)
            switch b.scale {
            case .folded: fields["scale"] = "folded"
            // The shortest decimal that reads back as this Float (0.17, not 0.17000000178813934).
            case .explicit(let s): fields["scale"] = .number(Double("\(s)") ?? Double(s))
            }
            fields["activation"] = .bool(b.activation)
            fields["outputChannels"] = nil
        }
        return .object(fields)
    }
}

extension Layer {
    /// A chain in the fixtures' branch form (`fixtures/README.md`): one op per conv unit or
    /// pool, in data-flow order — `{"op": "conv", "kernel": [h, w], "stride": s, "padding":
    /// "same"|"valid", "filters": c}`, `{"op": "maxpool"|"avgpool", "kernel", "stride",
    /// "padding"}`, and a nested concatenation as `{"op": "fork", "branches": [[…], […]]}`.
    /// BN and ReLU after a conv belong to its unit and are not listed. `padding` is "same"
    /// whenever the op pads at all.
    public static func describe(chain: [Layer]) -> JSONValue {
        var items: [JSONValue] = []
        for layer in chain {
            switch layer {
            case .conv(let c):
                var item: [String: JSONValue] = [
                    "op": "conv", "kernel": .array([.int(c.kernel.height), .int(c.kernel.width)]),
                    "stride": .int(c.strides.height), "padding": c.padding.isZero ? "valid" : "same",
                    "filters": .int(c.outputChannels),
                ]
                if c.group > 1 { item["groups"] = .int(c.group) }
                items.append(.object(item))
            case .localResponseNorm(let n):
                items.append(.object(["op": "lrn", "size": .int(n.size)]))
            case .pool(let p):
                items.append(.object([
                    "op": .string(p.kind == .max ? "maxpool" : "avgpool"),
                    "kernel": .array([.int(p.window.height), .int(p.window.width)]),
                    "stride": .int(p.strides.height),
                    "padding": (p.padding + p.zeroPadding).isZero ? "valid" : "same",
                ]))
            case .concat(_, let branches):
                items.append(.object(["op": "fork", "branches": .array(branches.map(describe(chain:)))]))
            case .batchNorm, .activation:
                continue
            }
        }
        return .array(items)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public static func int(_ v: Int) -> JSONValue { .number(Double(v)) }
}

extension Block {
    /// A one-line label for text and diagrams: kind, variant and the facts that define it.
    public var summary: String {
        switch self {
        case .residual(let b):
            var s = "\(b.variant.rawValue) v\(b.version) \(b.arrangement.rawValue), \(b.shortcut.kindName) shortcut, stride \(b.stride)"
            if b.groups > 1 { s += ", \(b.groups) groups" }
            if b.variant == .bottleneck, b.version == 1, b.stride > 1, let at = b.stridedKernel, at != Size2(1) { s += " (on the \(at))" }
            return s
        case .inception(let b):
            return b.variant == .generic ? "inception, \(b.branches.count) branches" : "inception \(b.variant.rawValue), \(b.branches.count) branches"
        case .reduction(let b):
            var s = b.variant == .generic ? "reduction, \(b.branches.count) branches" : "reduction \(b.variant.rawValue)"
            if let f = b.filters { s += " k\(f.k) l\(f.l) m\(f.m) n\(f.n)" }
            return s
        case .inceptionResNet(let b):
            return "inception-resnet-\(b.variant.rawValue) v\(b.version), \(b.scaleDescription)\(b.activation ? ", relu" : "")"
        case .transition(let b):
            return "transition \(b.variant), stride \(b.stride)"
        case .convStage(let b):
            let kernels = Set(Layer.convs(in: b.layers).map(\.kernel.description)).sorted().joined(separator: "/")
            return "\(b.variant == .vgg ? "vgg stage" : "conv stage"), \(Layer.convs(in: b.layers).count) conv \(kernels), stride \(b.stride)"
        case .invertedResidual(let b):
            return "inverted residual, expansion \(b.expansionText), stride \(b.stride), \(b.hasShortcut ? "identity" : "no") shortcut"
        case .dense(let b):
            return "dense layer \(b.variant.rawValue), growth \(b.growth)"
        }
    }

    /// ``summary`` shortened to fit a diagram box (about 40 characters): residual arrangements
    /// abbreviated, no shortcut kind; the same words otherwise, so text and diagram agree.
    public var compactSummary: String {
        switch self {
        case .residual(let b):
            let short: [ResidualBlock.Arrangement: String] = [
                .original: "orig", .bnAfterAddition: "bn after add", .reluBeforeAddition: "relu before add",
                .reluOnlyPreactivation: "relu-only preact", .fullPreactivation: "full preact",
            ]
            let arrangement = short[b.arrangement] ?? b.arrangement.rawValue
            return "\(b.variant.rawValue) v\(b.version) \(arrangement), /\(b.stride)"
        case .inception(let b): return "inception \(b.variant.rawValue), \(b.branches.count) branches"
        case .inceptionResNet(let b):
            return "IR-\(b.variant.rawValue) v\(b.version), \(b.scaleDescription)\(b.activation ? ", relu" : "")"
        case .reduction, .transition, .convStage, .invertedResidual, .dense: return summary
        }
    }
}

extension InceptionResNetBlock {
    /// `scale folded` or `scale 0.17`.
    var scaleDescription: String {
        switch scale {
        case .folded: return "scale folded"
        case .explicit(let v): return "scale \(v)"
        }
    }
}

extension Head {
    /// `avg pool, 1000 classes, softmax`; `flatten, FC 4096-4096, 1000 classes` for a multi-layer classifier.
    public var summary: String {
        var parts: [String] = []
        if case .none = pooling { parts.append("flatten") } else { parts.append("\(pooling.vocabularyName) pool") }
        if !hidden.isEmpty { parts.append("FC " + hidden.map { "\($0.outputFeatures)" }.joined(separator: "-")) }
        parts.append("\(classes) classes")
        if softmax { parts.append("softmax") }
        return parts.joined(separator: ", ")
    }
}
