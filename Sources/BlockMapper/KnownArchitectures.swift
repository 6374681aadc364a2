import Blocks

/// Compact specs (`verify --expect-arch`) for the standard architectures: family and
/// blocks per stage, from the papers and Keras applications.
public enum KnownArchitectures {
    static func residual(_ variant: String, _ counts: [Int], version: Int) -> JSONValue {
        .object([
            "family": "resnet",
            "stages": .array(counts.map { .object(["kind": "residual", "variant": .string(variant), "version": .int(version), "count": .int($0)]) }),
        ])
    }

    static func runs(_ family: String, _ runs: [(String, String, Int)]) -> JSONValue {
        .object([
            "family": .string(family),
            "stages": .array(runs.map { .object(["kind": .string($0.0), "variant": .string($0.1), "count": .int($0.2)]) }),
        ])
    }

    public static let specs: [String: JSONValue] = [
        "resnet18": residual("basic", [2, 2, 2, 2], version: 1),
        "resnet34": residual("basic", [3, 4, 6, 3], version: 1),
        "resnet50": residual("bottleneck", [3, 4, 6, 3], version: 1),
        "resnet101": residual("bottleneck", [3, 4, 23, 3], version: 1),
        "resnet152": residual("bottleneck", [3, 8, 36, 3], version: 1),
        "resnet50v2": residual("bottleneck", [3, 4, 6, 3], version: 2),
        "resnet101v2": residual("bottleneck", [3, 4, 23, 3], version: 2),
        "resnet152v2": residual("bottleneck", [3, 8, 36, 3], version: 2),
        "inception-v3": runs("inception-v3", [("inception", "v3-a", 3), ("reduction", "v3-a", 1), ("inception", "v3-b", 4),
                                              ("reduction", "v3-b", 1), ("inception", "v3-c", 2)]),
        "inception-v4": runs("inception-v4", [("inception", "v4-a", 4), ("reduction", "a", 1), ("inception", "v4-b", 7),
                                              ("reduction", "v4-b", 1), ("inception", "v4-c", 3)]),
        "inception-resnet-v1": runs("inception-resnet-v1", [("inception-resnet", "a", 5), ("reduction", "a", 1),
                                                            ("inception-resnet", "b", 10), ("reduction", "inception-resnet-v1-b", 1),
                                                            ("inception-resnet", "c", 5)]),
        "inception-resnet-v2": runs("inception-resnet-v2", [("inception-resnet", "a", 10), ("reduction", "a", 1),
                                                            ("inception-resnet", "b", 20), ("reduction", "inception-resnet-v2-b", 1),
                                                            ("inception-resnet", "c", 10)]),
    ].merging(classicSpecs) { own, _ in own }

    public static var names: [String] { specs.keys.sorted() }
}
