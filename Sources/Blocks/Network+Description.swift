/// The block vocabulary of GUIDE §3: what `blocks --json` prints and `verify` compares.
/// Weights are never part of a description; `parameters` and `macs` are extra fields that
/// specs may leave out.
extension Network {
    /// `{"family", "input", "blocks": [stem, body…, head]}` (the recognizer adds `coverage`
    /// and `unassigned`).
    public func describe() -> JSONValue {
        var list: [JSONValue] = []
        var shape = inputShape
        list.append(stem.describe(input: shape))
        shape = stem.outputShape(for: shape)
        for block in blocks {
            list.append(block.describe(input: shape))
            shape = block.outputShape(for: shape)
        }
        shape = Layer.outputShape(of: tail, for: shape)
        if let head { list.append(head.describe(featureShape: shape)) }
        return .object([
            "family": .string(family),
            "input": .object([
                "name": .string(inputName), "layout": .string(inputLayout.rawValue),
                "channels": .number(Double(inputShape.channels)),
                "height": .number(Double(inputShape.height)), "width": .number(Double(inputShape.width)),
            ]),
            "blocks": .array(list),
        ])
    }
}

extension Stem {
    public func describe(input: FeatureShape) -> JSONValue {
        .object([
            "kind": "stem", "variant": .string(variant.rawValue), "name": .string(name),
            "outputChannels": .int(outputShape(for: input).channels),
            "parameters": .int(parameterCount), "macs": .int(macs(for: input)),
        ])
    }
}

extension Head {
    public func describe(featureShape: FeatureShape) -> JSONValue {
        .object([
            "kind": "head", "variant": "classifier", "name": .string(name),
            "pooling": .string(pooling.kindName), "classes": .int(classes), "softmax": .bool(softmax),
            "parameters": .int(parameterCount), "macs": .int(macs),
        ])
    }
}

extension Block {
    public func describe(input: FeatureShape) -> JSONValue {
        var fields: [String: JSONValue] = [
            "kind": .string(kind), "variant": .string(variant), "name": .string(name),
            "outputChannels": .int(outputShape(for: input).channels),
            "parameters": .int(parameterCount), "macs": .int(macs(for: input)),
        ]
        switch self {
        case .residual(let b):
            fields["version"] = .int(b.version)
            fields["arrangement"] = .string(b.arrangement.rawValue)
            fields["shortcut"] = .string(b.shortcut.kindName)
            fields["stride"] = .int(b.stride)
        case .inception(let b):
            fields["branches"] = .array(b.branches.map(Layer.describe(chain:)))
        case .reduction(let b):
            fields["branches"] = .array(b.branches.map(Layer.describe(chain:)))
            if let f = b.filters {
                fields["k"] = .int(f.k); fields["l"] = .int(f.l); fields["m"] = .int(f.m); fields["n"] = .int(f.n)
            }
        case .inceptionResNet(let b):
            fields["version"] = .int(b.version)
            switch b.scale {
            case .folded: fields["scale"] = "folded"
            case .explicit(let s): fields["scale"] = .number(Double(s))
            }
            fields["activation"] = .bool(b.activation)
            fields["branches"] = .array(b.branches.map(Layer.describe(chain:)))
        }
        return .object(fields)
    }
}

extension Layer {
    /// A chain as a list of short tokens: `conv1x1:64`, `conv3x3/2:96`, `maxpool3x3/2`,
    /// `avgpool3x3`; a nested concatenation as `{"concat": [[…], […]]}`. BN and ReLU after a
    /// conv are part of the conv unit and not listed.
    public static func describe(chain: [Layer]) -> JSONValue {
        var items: [JSONValue] = []
        for layer in chain {
            switch layer {
            case .conv(let c):
                let stride = c.strides == .one ? "" : "/\(c.strides.height == c.strides.width ? "\(c.strides.height)" : c.strides.description)"
                items.append(.string("conv\(c.kernel)\(stride):\(c.outputChannels)"))
            case .pool(let p):
                let stride = p.strides == .one ? "" : "/\(p.strides.height == p.strides.width ? "\(p.strides.height)" : p.strides.description)"
                items.append(.string("\(p.kind == .max ? "maxpool" : "avgpool")\(p.window)\(stride)"))
            case .concat(_, let branches):
                items.append(.object(["concat": .array(branches.map(describe(chain:)))]))
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
