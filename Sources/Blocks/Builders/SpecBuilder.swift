/// Turns a block spec (the `blocks --json` document, weights absent) into a structure-only
/// `Network`, using the same conventions as the builders: ResNet blocks in Keras' layout for
/// their arrangement, Inception convs as bias-free conv + BN (no scale) + ReLU with `"same"`
/// padding at stride 1 and `"valid"` at stride 2, 3×3 average pools at stride 1 (same) and
/// max pools at stride 2 (valid). Impossible structures fail naming the block.
public struct SpecBuilder {
    public var inputSize: Int?
    public var classes: Int?

    public init(inputSize: Int? = nil, classes: Int? = nil) {
        self.inputSize = inputSize
        self.classes = classes
    }

    public func network(from spec: JSONValue) throws -> Network {
        guard let familyName = spec["family"]?.stringValue else { throw SpecError(block: "spec", reason: "missing 'family'") }
        guard let family = Family(rawValue: familyName) else { throw SpecError(block: "spec", reason: "unknown family '\(familyName)'") }
        guard let entries = spec["blocks"]?.arrayValue, !entries.isEmpty else {
            throw SpecError(block: "spec", reason: "missing 'blocks'")
        }
        let inputInfo = spec["input"]
        let defaultSize = [.resnet, .resnext, .plain, .mobileNetV2, .inceptionV1, .bnInception].contains(family) ? 224 : 299
        let height = inputSize ?? inputInfo?["height"]?.intValue ?? defaultSize
        let width = inputSize ?? inputInfo?["width"]?.intValue ?? height
        let input = FeatureShape(channels: inputInfo?["channels"]?.intValue ?? 3, height: height, width: width)
        let layout = Network.InputLayout(rawValue: inputInfo?["layout"]?.stringValue ?? "nchw") ?? .nchw

        guard entries.first?["kind"]?.stringValue == "stem" else { throw SpecError(block: "spec", reason: "the first block must be the stem") }
        let headEntry = entries.last?["kind"]?.stringValue == "head" ? entries.last : nil
        let body = Array(entries.dropFirst().dropLast(headEntry == nil ? 0 : 1))

        let namer = KerasNamer()
        let firstResidual = body.first { $0["kind"]?.stringValue == "residual" }
        let preactivated = firstResidual?["version"]?.intValue == 2
        let (stem, scale) = try self.stem(entries[0], input: input, preactivated: preactivated, namer: namer)
        var shape = stem.outputShape(for: input)
        var blocks: [Block] = []
        for (i, entry) in body.enumerated() {
            let block = try self.block(entry, index: i, family: family, input: shape, namer: namer, width: scale)
            shape = try NetworkValidator.check(block: block, input: shape)
            blocks.append(block)
        }
        var tail = ChainBuilder(block: "head", input: shape, namer: namer)
        if case .residual(let last)? = blocks.last, last.version == 2 {
            if last.arrangement == .fullPreactivation { try tail.batchNorm(name: "post_bn", epsilon: ResidualBlockBuilder.epsilon) }
            try tail.relu(name: "post_relu")
        }
        if family == .inceptionResNetV2 { try tail.unit(scale(1536), 1, name: "conv_7b") }
        var head: Head?
        if let headEntry {
            let pooling: Head.Pooling
            switch headEntry["pooling"]?.stringValue ?? "global-average" {
            case "global-average", "avg": pooling = .globalAverage
            case "global-max", "max": pooling = .globalMax
            case let other: throw SpecError(block: "head", reason: "pooling '\(other)' is not supported")
            }
            head = try HeadBuilder.classifier(features: tail.shape.channels,
                                              classes: classes ?? headEntry["classes"]?.intValue ?? 1000,
                                              softmax: headEntry["softmax"]?.boolValue ?? true, pooling: pooling)
        }
        let network = Network(family: family, inputName: inputInfo?["name"]?.stringValue ?? "input", inputLayout: layout,
                              inputShape: input, stem: stem, blocks: blocks, tail: tail.layers, head: head,
                              outputName: "output")
        try NetworkValidator.validate(network)
        return network
    }

    /// The stem for its variant, with widths divided so its output has the spec's channels
    /// (the fixtures' narrow models); also returns that width function for the tail.
    func stem(_ entry: JSONValue, input: FeatureShape, preactivated: Bool, namer: KerasNamer) throws
        -> (Stem, (Int) -> Int)
    {
        let variant = entry["variant"]?.stringValue ?? ""
        let wanted = entry["outputChannels"]?.intValue
        if variant == "resnet" {
            let stem = try ResNetBuilder.stem(input: input, filters: wanted ?? 64, preactivated: preactivated, namer: namer)
            return (stem, { $0 })
        }
        let make: (Int) throws -> Stem
        switch variant {
        case "inception-v3":
            make = { d in try InceptionV3Builder.stem(input: input, namer: KerasNamer(), width: { max(1, $0 / d) }) }
        case "inception-v4":
            make = { d in try InceptionV4Builder.stem(input: input, namer: KerasNamer(), width: { max(1, $0 / d) }) }
        case "inception-resnet-v1":
            make = { d in try InceptionResNetBuilder.stemV1(input: input, namer: KerasNamer(), width: { max(1, $0 / d) }) }
        case "inception-resnet-v2":
            make = { d in try InceptionResNetBuilder.stemV2(input: input, namer: KerasNamer(), width: { max(1, $0 / d) }) }
        default:
            throw SpecError(block: entry["name"]?.stringValue ?? "stem", reason: "stem variant '\(variant)' cannot be built")
        }
        for d in 1...512 {
            let stem = try make(d)
            if wanted == nil || stem.outputShape(for: input).channels == wanted {
                // Rebuild with the shared namer so anonymous names continue into the body.
                let final: Stem
                switch variant {
                case "inception-v3": final = try InceptionV3Builder.stem(input: input, namer: namer, width: { max(1, $0 / d) })
                case "inception-v4": final = try InceptionV4Builder.stem(input: input, namer: namer, width: { max(1, $0 / d) })
                case "inception-resnet-v1": final = try InceptionResNetBuilder.stemV1(input: input, namer: namer, width: { max(1, $0 / d) })
                default: final = try InceptionResNetBuilder.stemV2(input: input, namer: namer, width: { max(1, $0 / d) })
                }
                return (final, { max(1, $0 / d) })
            }
        }
        throw SpecError(block: "stem", reason: "no \(variant) stem has \(wanted ?? 0) output channels")
    }

    func block(_ entry: JSONValue, index: Int, family: Family, input: FeatureShape, namer: KerasNamer,
               width: @escaping (Int) -> Int) throws -> Block {
        let kind = entry["kind"]?.stringValue ?? ""
        let variant = entry["variant"]?.stringValue ?? ""
        let name = entry["name"]?.stringValue ?? "block\(index + 1)"
        func int(_ key: String) throws -> Int {
            guard let v = entry[key]?.intValue else { throw SpecError(block: name, reason: "missing '\(key)'") }
            return v
        }
        let style: ChainBuilder.UnitStyle = family == .inceptionV3 ? .inceptionV3 : .inceptionResNet
        switch kind {
        case "residual":
            guard let v = ResidualBlock.Variant(rawValue: variant) else { throw SpecError(block: name, reason: "residual variant '\(variant)'") }
            let arrangement = try entry["arrangement"]?.stringValue.map {
                guard let a = ResidualBlock.Arrangement(rawValue: $0) else { throw SpecError(block: name, reason: "arrangement '\($0)'") }
                return a
            } ?? ((entry["version"]?.intValue ?? 1) == 2 ? .fullPreactivation : .original)
            let shortcutName = entry["shortcut"]?.stringValue ?? "identity"
            guard let shortcut = ResidualBlockBuilder.ShortcutKind(rawValue: shortcutName) else {
                throw SpecError(block: name, reason: "shortcut '\(shortcutName)'")
            }
            return .residual(try ResidualBlockBuilder.block(
                name: name, input: input, variant: v, arrangement: arrangement, outputChannels: try int("outputChannels"),
                stride: entry["stride"]?.intValue ?? 1, shortcut: shortcut, namer: namer))
        case "inception":
            guard let v = InceptionModule.Variant(rawValue: variant) else { throw SpecError(block: name, reason: "inception variant '\(variant)'") }
            let branches = try self.branches(entry, block: name, input: input, style: style, namer: namer)
            return .inception(InceptionModule(name: name, variant: v, branches: branches))
        case "reduction":
            guard let v = ReductionModule.Variant(rawValue: variant) else { throw SpecError(block: name, reason: "reduction variant '\(variant)'") }
            var filters: ReductionModule.FilterCounts?
            if let k = entry["k"]?.intValue, let l = entry["l"]?.intValue, let m = entry["m"]?.intValue, let n = entry["n"]?.intValue {
                filters = .init(k: k, l: l, m: m, n: n)
            }
            if entry["branches"] == nil {
                var x = ChainBuilder(block: name, input: input, namer: namer, unitStyle: style)
                x.unitEpsilon = 1e-3
                return .reduction(try standardReduction(v, x, name: name, family: family, filters: filters, width: width))
            }
            let branches = try self.branches(entry, block: name, input: input, style: style, namer: namer)
            return .reduction(ReductionModule(name: name, variant: v, branches: branches, filters: filters))
        case "inception-resnet":
            guard let v = InceptionResNetBlock.Variant(rawValue: variant) else {
                throw SpecError(block: name, reason: "inception-resnet variant '\(variant)'")
            }
            let branches = try self.branches(entry, block: name, input: input, style: style, namer: namer)
            let mixed = Layer.outputShape(of: [.concat(name: "\(name)_mixed", branches: branches)], for: input)
            let scale: InceptionResNetBlock.Scale
            if let s = entry["scale"]?.numberValue { scale = .explicit(Float(s)) } else { scale = .folded }
            let up = Conv(name: "\(name)_conv", inputChannels: mixed.channels, outputChannels: input.channels, kernel: .one, bias: [])
            return .inceptionResNet(InceptionResNetBlock(
                name: name, variant: v, version: entry["version"]?.intValue ?? (family == .inceptionResNetV1 ? 1 : 2),
                branches: branches, concatName: "\(name)_mixed", up: up, scale: scale,
                activation: entry["activation"]?.boolValue ?? true))
        default:
            throw SpecError(block: name, reason: "kind '\(kind)' cannot be built")
        }
    }

    /// A reduction the spec names only by variant (the vocabulary lists no branches for
    /// reductions): the standard module, widths scaled like the stem.
    func standardReduction(_ v: ReductionModule.Variant, _ x: ChainBuilder, name: String, family: Family,
                           filters: ReductionModule.FilterCounts?, width w: @escaping (Int) -> Int) throws -> ReductionModule {
        switch v {
        case .a:
            let defaults: [Int]
            switch family {
            case .inceptionResNetV1: defaults = [192, 192, 256, 384]
            case .inceptionResNetV2: defaults = [256, 256, 384, 384]
            default: defaults = [192, 224, 256, 384]
            }
            let f = filters ?? .init(k: w(defaults[0]), l: w(defaults[1]), m: w(defaults[2]), n: w(defaults[3]))
            return try InceptionV4Builder.reductionA(x, filters: f, name: name)
        case .v3a: return try InceptionV3Builder.reductionA(x, name: name, width: w)
        case .v3b: return try InceptionV3Builder.reductionB(x, name: name, width: w)
        case .v4b: return try InceptionV4Builder.reductionB(x, name: name, width: w)
        case .inceptionResNetV1B: return try InceptionResNetBuilder.reductionBV1(x, name: name, width: w)
        case .inceptionResNetV2B: return try InceptionResNetBuilder.reductionBV2(x, name: name, width: w)
        case .bn, .generic: throw SpecError(block: name, reason: "a '\(v.rawValue)' reduction needs its 'branches'")
        }
    }

    func branches(_ entry: JSONValue, block: String, input: FeatureShape, style: ChainBuilder.UnitStyle,
                  namer: KerasNamer) throws -> [[Layer]] {
        guard let list = entry["branches"]?.arrayValue, !list.isEmpty else { throw SpecError(block: block, reason: "missing 'branches'") }
        var forks = 0
        var result: [[Layer]] = []
        for item in list {
            var chain = ChainBuilder(block: block, input: input, namer: namer, unitStyle: style)
            try append(item, to: &chain, block: block, forks: &forks)
            result.append(chain.layers)
        }
        return result
    }

    /// Appends one branch's tokens (`conv1x7:128`, `conv3x3/2:96`, `maxpool3x3/2`,
    /// `avgpool3x3`, `{"concat": [...]}`) to a chain.
    func append(_ branch: JSONValue, to chain: inout ChainBuilder, block: String, forks: inout Int) throws {
        guard let tokens = branch.arrayValue else { throw SpecError(block: block, reason: "a branch must be a list") }
        for token in tokens {
            if token["op"] != nil, token["op"]?.stringValue != "fork" {
                try appendOp(token, to: &chain, block: block)
                continue
            }
            if let nested = token["concat"]?.arrayValue ?? token["branches"]?.arrayValue {
                forks += 1
                var subs: [ChainBuilder] = []
                for sub in nested {
                    var s = chain.branch()
                    try append(sub, to: &s, block: block, forks: &forks)
                    subs.append(s)
                }
                try chain.concat(name: "\(block)_fork\(forks)", subs)
                continue
            }
            guard let text = token.stringValue else { throw SpecError(block: block, reason: "unreadable token \(token)") }
            let parsed = try Self.parse(text, block: block)
            let stride = parsed.stride
            switch parsed.op {
            case "conv":
                guard let filters = parsed.filters else { throw SpecError(block: block, reason: "'\(text)' lacks ':channels'") }
                try chain.unit(filters, parsed.kernel, stride: stride, padding: stride == 1 ? .same : .valid)
            case "maxpool", "avgpool":
                guard parsed.kernel.isSquare else { throw SpecError(block: block, reason: "'\(text)': only square pools") }
                try chain.pool(parsed.op == "maxpool" ? .max : .average, parsed.kernel.height, stride: stride,
                               padding: stride == 1 ? .same : .valid)
            default:
                throw SpecError(block: block, reason: "unknown token '\(text)'")
            }
        }
    }

    /// One op object: `{"op": "conv", "kernel": [h, w], "stride": s, "padding": "same"|"valid",
    /// "filters": c}` or `{"op": "maxpool"|"avgpool", "kernel", "stride", "padding"}`.
    func appendOp(_ token: JSONValue, to chain: inout ChainBuilder, block: String) throws {
        let op = token["op"]?.stringValue ?? ""
        let dims = token["kernel"]?.arrayValue?.compactMap(\.intValue) ?? token["kernel"]?.intValue.map { [$0, $0] } ?? []
        guard dims.count == 2, dims.allSatisfy({ $0 > 0 }) else {
            throw SpecError(block: block, reason: "\(op): 'kernel' must be [height, width] with positive sizes")
        }
        let stride = token["stride"]?.intValue ?? 1
        guard stride > 0 else { throw SpecError(block: block, reason: "\(op): stride \(stride) is not positive") }
        let padding: ChainBuilder.PaddingMode
        switch token["padding"]?.stringValue ?? (stride == 1 ? "same" : "valid") {
        case "same": padding = .same
        case "valid": padding = .valid
        case let other: throw SpecError(block: block, reason: "\(op): padding '\(other)'")
        }
        switch op {
        case "conv":
            guard let filters = token["filters"]?.intValue, filters > 0 else {
                throw SpecError(block: block, reason: "conv: 'filters' must be a positive number")
            }
            try chain.unit(filters, Size2(dims[0], dims[1]), stride: stride, padding: padding)
        case "maxpool", "avgpool":
            guard dims[0] == dims[1] else { throw SpecError(block: block, reason: "\(op): only square windows") }
            try chain.pool(op == "maxpool" ? .max : .average, dims[0], stride: stride, padding: padding)
        default:
            throw SpecError(block: block, reason: "unknown op '\(op)'")
        }
    }

    static func parse(_ text: String, block: String) throws -> (op: String, kernel: Size2, stride: Int, filters: Int?) {
        let bad = SpecError(block: block, reason: "unreadable token '\(text)'")
        var rest = Substring(text)
        var filters: Int?
        if let colon = rest.firstIndex(of: ":") {
            guard let f = Int(rest[rest.index(after: colon)...]), f > 0 else { throw bad }
            filters = f
            rest = rest[..<colon]
        }
        var stride = 1
        if let slash = rest.firstIndex(of: "/") {
            let s = rest[rest.index(after: slash)...].split(separator: "x")
            guard let first = s.first, let v = Int(first), v > 0, s.allSatisfy({ Int($0) == v }) else { throw bad }
            stride = v
            rest = rest[..<slash]
        }
        guard let digit = rest.firstIndex(where: \.isNumber) else { throw bad }
        let op = String(rest[..<digit])
        let dims = rest[digit...].split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, dims.allSatisfy({ $0 > 0 }) else { throw bad }
        return (op, Size2(dims[0], dims[1]), stride, filters)
    }
}
