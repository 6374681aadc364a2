import Blocks

/// `verify --expect-arch` specs of the classic table's networks and the residual relatives
/// `build` makes: GoogLeNet, VGG-16/19 and AlexNet as full block lists (their conv stages
/// differ only in their layers), MobileNetV2 and ResNeXt-50 as stage runs. Names, classes and
/// softmax are left out, so any export of the architecture matches.
extension KnownArchitectures {
    static let classicSpecs: [String: JSONValue] = {
        var specs: [String: JSONValue] = [
            "googlenet": runs("inception-v1", [("inception", "v1", 2), ("transition", "max-pool", 1), ("inception", "v1", 5),
                                               ("transition", "max-pool", 1), ("inception", "v1", 2)]),
            "mobilenet-v2": runs("mobilenet-v2", [("residual", "inverted", 17)]),
            "resnext50": .object([
                "family": "resnext",
                "stages": .array([3, 4, 6, 3].map { .object(["kind": "residual", "variant": "bottleneck", "version": .int(1), "count": .int($0)]) }),
            ]),
        ]
        for arch in [Architecture.vgg16, .vgg19, .alexnet] {
            guard let network = try? arch.structure(), case .object(var doc) = network.describe(),
                  let blocks = doc["blocks"]?.arrayValue else { continue }
            doc["blocks"] = .array(blocks.map { block in
                guard case .object(var fields) = block else { return block }
                for key in ["name", "classes", "softmax"] { fields[key] = nil }
                return .object(fields)
            })
            doc["input"] = nil
            doc["statistics"] = nil
            specs[arch.rawValue] = .object(doc)
        }
        return specs
    }()
}
