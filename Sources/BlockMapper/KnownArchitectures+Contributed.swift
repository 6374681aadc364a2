import Blocks

extension KnownArchitectures {
    /// Architectures added by other families' work: the classic table's networks and the
    /// residual relatives `build` makes (`KnownArchitectures+Classic.swift`).
    public static var contributed: [KnownArchitecture] {
        classicSpecs.keys.sorted().compactMap { name in
            guard case .object(var spec) = classicSpecs[name] else { return nil }
            if spec["version"] == nil { spec["version"] = .int(StructureDocument.version) }
            return KnownArchitecture(name: name, summary: "\(name) (as `onnx-blocks build \(name)` makes it)", spec: .object(spec))
        }
    }
}
