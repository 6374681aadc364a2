import Blocks

/// One architecture `verify --expect-arch NAME` knows: its name and the compact spec of the
/// architecture as published.
public struct KnownArchitecture: Sendable {
    public var name: String
    public var summary: String
    public var spec: JSONValue
    public init(name: String, summary: String, spec: JSONValue) {
        self.name = name
        self.summary = summary
        self.spec = spec
    }
}

/// The architectures `verify --expect-arch` checks. Entries come from lists in several files
/// (`residualNetworks`, `inceptionNetworks` here, `contributed` in
/// `KnownArchitectures+Contributed.swift`), so a new family adds its own list without editing
/// this one.
///
/// Residual specs fix what defines the computation, from the papers: blocks per stage, each
/// conv's kernel, filters and groups, stage widths, and which conv of a strided block carries
/// the stride (`strideConv`: 1 on the first 1×1 as in He et al. 2015 and Keras; 2 on the 3×3,
/// "V1.5", as in torchvision, ResNeXt and Wide ResNet).
public enum KnownArchitectures {
    public static var all: [KnownArchitecture] { residualNetworks + inceptionNetworks + contributed }

    public static var specs: [String: JSONValue] {
        Dictionary(all.map { ($0.name, $0.spec) }, uniquingKeysWith: { first, _ in first })
    }

    public static var names: [String] { all.map(\.name).sorted() }

    /// Bottleneck stages: inner widths `inner` (×`groups`), outputs `outputs`.
    static func bottleneck(_ counts: [Int], inner: [Int], outputs: [Int], groups: Int = 1, version: Int = 1,
                           strideConv: Int, arrangement: String? = nil) -> JSONValue {
        .object([
            "version": .int(StructureDocument.version),
            // Grouped bottlenecks are their own family (Family.resnext), as the recognizer labels them.
            "family": .string(groups > 1 ? Family.resnext.rawValue : Family.resnet.rawValue),
            "stem": .object(["outputChannels": .int(64)]),
            "stages": .array(counts.indices.map { k in
                var stage: [String: JSONValue] = [
                    "kind": "residual", "variant": "bottleneck", "version": .int(version), "count": .int(counts[k]),
                    "outputChannels": .int(outputs[k]), "strideConv": .int(strideConv),
                    "layers": .array([
                        conv(1, inner[k], 1), conv(3, inner[k], groups), conv(1, outputs[k], 1),
                    ]),
                ]
                if let arrangement { stage["arrangement"] = .string(arrangement) }
                return .object(stage)
            }),
        ])
    }

    static func basic(_ counts: [Int]) -> JSONValue {
        let widths = [64, 128, 256, 512]
        return .object([
            "version": .int(StructureDocument.version),
            "family": "resnet",
            "stem": .object(["outputChannels": .int(64)]),
            "stages": .array(counts.indices.map { k in
                .object([
                    "kind": "residual", "variant": "basic", "version": .int(1), "count": .int(counts[k]),
                    "outputChannels": .int(widths[k]), "strideConv": .int(1),
                    "layers": .array([conv(3, widths[k], 1), conv(3, widths[k], 1)]),
                ])
            }),
        ])
    }

    static func conv(_ kernel: Int, _ filters: Int, _ groups: Int) -> JSONValue {
        .object(["kernel": .array([.int(kernel), .int(kernel)]), "filters": .int(filters), "groups": .int(groups)])
    }

    static let resnetInner = [64, 128, 256, 512]
    static let resnetOutputs = [256, 512, 1024, 2048]
    static let depths: [Int: [Int]] = [50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]]

    public static var residualNetworks: [KnownArchitecture] {
        var list = [
            KnownArchitecture(name: "resnet18", summary: "ResNet-18: basic blocks 2-2-2-2 (He et al. 2015)", spec: basic([2, 2, 2, 2])),
            KnownArchitecture(name: "resnet34", summary: "ResNet-34: basic blocks 3-4-6-3 (He et al. 2015)", spec: basic([3, 4, 6, 3])),
        ]
        for depth in [50, 101, 152] {
            let counts = depths[depth]!
            list.append(KnownArchitecture(name: "resnet\(depth)", summary: "ResNet-\(depth) V1: stride on the first 1×1 (He et al. 2015, Keras)",
                                          spec: bottleneck(counts, inner: resnetInner, outputs: resnetOutputs, strideConv: 1)))
            list.append(KnownArchitecture(name: "resnet\(depth)-v1.5", summary: "ResNet-\(depth) V1.5: stride on the 3×3 (torchvision)",
                                          spec: bottleneck(counts, inner: resnetInner, outputs: resnetOutputs, strideConv: 2)))
            list.append(KnownArchitecture(name: "resnet\(depth)v2", summary: "ResNet-\(depth) V2: full pre-activation (He et al. 2016, Keras)",
                                          spec: bottleneck(counts, inner: resnetInner, outputs: resnetOutputs, version: 2, strideConv: 2,
                                                           arrangement: "full-preactivation")))
        }
        list += [
            KnownArchitecture(name: "resnext50-32x4d", summary: "ResNeXt-50 32×4d: 32 groups on the 3×3 (Xie et al. 2016, torchvision)",
                              spec: bottleneck(depths[50]!, inner: [128, 256, 512, 1024], outputs: resnetOutputs, groups: 32, strideConv: 2)),
            KnownArchitecture(name: "resnext101-32x8d", summary: "ResNeXt-101 32×8d (Xie et al. 2016, torchvision)",
                              spec: bottleneck(depths[101]!, inner: [256, 512, 1024, 2048], outputs: resnetOutputs, groups: 32, strideConv: 2)),
            KnownArchitecture(name: "wide-resnet50-2", summary: "Wide ResNet-50-2: twice the inner width (Zagoruyko & Komodakis 2016, torchvision)",
                              spec: bottleneck(depths[50]!, inner: [128, 256, 512, 1024], outputs: resnetOutputs, strideConv: 2)),
            KnownArchitecture(name: "wide-resnet101-2", summary: "Wide ResNet-101-2 (torchvision)",
                              spec: bottleneck(depths[101]!, inner: [128, 256, 512, 1024], outputs: resnetOutputs, strideConv: 2)),
        ]
        return list
    }

    static func runs(_ family: String, _ runs: [(String, String, Int)]) -> JSONValue {
        .object([
            "version": .int(StructureDocument.version),
            "family": .string(family),
            "stages": .array(runs.map { .object(["kind": .string($0.0), "variant": .string($0.1), "count": .int($0.2)]) }),
        ])
    }

    public static var inceptionNetworks: [KnownArchitecture] {
        [
            KnownArchitecture(name: "inception-v3", summary: "Inception-V3 (Szegedy et al. 2015, Keras)",
                              spec: runs("inception-v3", [("inception", "v3-a", 3), ("reduction", "v3-a", 1), ("inception", "v3-b", 4),
                                                          ("reduction", "v3-b", 1), ("inception", "v3-c", 2)])),
            KnownArchitecture(name: "inception-v4", summary: "Inception-V4 (Szegedy et al. 2016)",
                              spec: runs("inception-v4", [("inception", "v4-a", 4), ("reduction", "a", 1), ("inception", "v4-b", 7),
                                                          ("reduction", "v4-b", 1), ("inception", "v4-c", 3)])),
            KnownArchitecture(name: "inception-resnet-v1", summary: "Inception-ResNet-V1 (Szegedy et al. 2016)",
                              spec: runs("inception-resnet-v1", [("inception-resnet", "a", 5), ("reduction", "a", 1),
                                                                 ("inception-resnet", "b", 10), ("reduction", "inception-resnet-v1-b", 1),
                                                                 ("inception-resnet", "c", 5)])),
            KnownArchitecture(name: "inception-resnet-v2", summary: "Inception-ResNet-V2 (Szegedy et al. 2016, Keras)",
                              spec: runs("inception-resnet-v2", [("inception-resnet", "a", 10), ("reduction", "a", 1),
                                                                 ("inception-resnet", "b", 20), ("reduction", "inception-resnet-v2-b", 1),
                                                                 ("inception-resnet", "c", 10)])),
        ]
    }
}
