import Foundation
import ONNXIR
import ONNXProtobuf
import Testing

/// External data: moving out and back in, every refusal (named tensor and location),
/// offsets past 4 GiB, and atomic writes.
struct ExternalDataTests {
    static func model(_ tensors: [Tensor]) -> Model {
        Model(irVersion: 10, opsetImports: [OperatorSetID(domain: "", version: 21)],
              graph: Graph(name: "g", initializers: tensors))
    }

    static func externalTensor(_ entries: [(String, String)], name: String = "w") -> Tensor {
        Tensor(name: name, dims: [4], dataType: .float,
               externalData: entries.map { MetadataEntry(key: $0.0, value: $0.1) }, dataLocation: .external)
    }

    static let weights = Tensor(name: "w", dims: [100, 100], values: (0..<10_000).map { Float($0) })
    static let small = Tensor(name: "b", dims: [4], values: [Float](repeating: 1, count: 4))

    @Test func moveThenReadBack() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("m.onnx")
        let original = Self.model([Self.weights, Self.small])
        try ModelWriter(externalData: .move(file: "weights.bin", sizeThreshold: 1024)).write(original, to: url)
        var reader = ModelReader()
        reader.loadExternalData = false
        let raw = try reader.read(contentsOf: url)
        let moved = try #require(raw.graph?.initializers[0])
        #expect(moved.isExternal && moved.rawData == nil)
        #expect(moved.externalDataValue("location") == "weights.bin")
        #expect(moved.externalDataValue("length") == "40000")
        #expect(raw.graph?.initializers[1].isExternal == false)  // under the threshold

        let loaded = try ModelReader().read(contentsOf: url)
        #expect(try loaded.graph!.initializers[0].floats() == (0..<10_000).map { Float($0) })
        #expect(loaded.graph!.initializers[0].dataLocation == .default)  // as onnx.load leaves it
        #expect(loaded.graph!.initializers[1] == Self.small)

        // Pull back in, over the same file.
        try ModelWriter(externalData: .inline).write(loaded, to: url)
        let inlined = try reader.read(contentsOf: url)
        #expect(inlined.graph!.initializers[0].rawData == Self.weights.rawData)
    }

    @Test func offsetsPastFourGiBInASparseFile() throws {
        let dir = try TemporaryDirectory()
        let dataURL = dir.file("big.bin")
        let offset: Int64 = (1 << 32) + 12_345
        FileManager.default.createFile(atPath: dataURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: dataURL)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Self.small.rawData!)
        try handle.truncate(atOffset: UInt64(offset) + 16 + (1 << 20))
        try handle.close()
        let tensor = Self.externalTensor([("location", "big.bin"), ("offset", String(offset)), ("length", "16")], name: "b")
        let url = dir.file("m.onnx")
        try ModelWriter().write(Self.model([tensor]), to: url)
        let loaded = try ModelReader().read(contentsOf: url)
        #expect(try loaded.graph!.initializers[0].floats() == [1, 1, 1, 1])
    }

    /// A single external tensor over 2 GiB (a sparse file: no disk, but ~2 GiB of memory briefly).
    @Test func tensorOverTwoGiB() throws {
        let dir = try TemporaryDirectory()
        let length = (1 << 31) + 4096
        let dataURL = dir.file("huge.bin")
        FileManager.default.createFile(atPath: dataURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: dataURL)
        try handle.seek(toOffset: UInt64(length - 4))
        try handle.write(contentsOf: Data([1, 2, 3, 4]))
        try handle.close()
        let tensor = Tensor(name: "huge", dims: [Int64(length)], dataType: .uint8,
                            externalData: [MetadataEntry(key: "location", value: "huge.bin")], dataLocation: .external)
        try ModelWriter().write(Self.model([tensor]), to: dir.file("m.onnx"))
        let raw = try #require(try ModelReader().read(contentsOf: dir.file("m.onnx")).graph?.initializers[0].rawData)
        #expect(raw.count == length)
        #expect(raw.suffix(4) == Data([1, 2, 3, 4]))
    }

    /// protobuf caps one message at 2 GiB: writing that inline is refused before any byte is written.
    @Test func inlineOverTwoGiBIsRefused() throws {
        let dir = try TemporaryDirectory()
        let huge = Tensor(name: "huge", dims: [1 << 31], dataType: .uint8, rawData: Data(count: 1 << 31))  // lazily zeroed
        #expect {
            try ModelWriter().write(Self.model([huge]), to: dir.file("m.onnx"))
        } throws: { error in
            if case ONNXProtobufError.notEncodable? = error as? ONNXProtobufError { return true }
            return false
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    static let refusals: [(String, [(String, String)], ExternalDataProblem)] = [
        ("absolute", [("location", "/etc/passwd")], .absolutePath),
        ("dot-dot", [("location", "../outside.bin")], .escapesModelFolder),
        ("nested dot-dot", [("location", "sub/../../outside.bin")], .escapesModelFolder),
        ("unknown key", [("location", "data.bin"), ("basepath", "/")], .unknownKey("basepath")),
        ("duplicate key", [("location", "data.bin"), ("offset", "0"), ("offset", "4")], .duplicateKey("offset")),
        ("no location", [("offset", "0")], .missingLocation),
        ("bad number", [("location", "data.bin"), ("offset", "-1")], .invalidNumber(key: "offset", value: "-1")),
        ("offset past end", [("location", "data.bin"), ("offset", "17")], .pastEndOfFile(offset: 17, length: nil, fileSize: 16)),
        ("length past end", [("location", "data.bin"), ("offset", "8"), ("length", "16")], .pastEndOfFile(offset: 8, length: 16, fileSize: 16)),
    ]

    @Test(arguments: refusals.indices)
    func refusal(_ index: Int) throws {
        let (label, entries, problem) = Self.refusals[index]
        let dir = try TemporaryDirectory()
        try Self.small.rawData!.write(to: dir.file("data.bin"))
        try ModelWriter().write(Self.model([Self.externalTensor(entries)]), to: dir.file("m.onnx"))
        #expect(throws: ONNXProtobufError.externalData(tensor: "w", location: entries.first { $0.0 == "location" }?.1 ?? "", problem: problem),
                Comment(rawValue: label)) {
            try ModelReader().read(contentsOf: dir.file("m.onnx"))
        }
    }

    @Test func symlinkOutsideTheFolderIsRefused() throws {
        let outside = try TemporaryDirectory()
        try Self.small.rawData!.write(to: outside.file("secret.bin"))
        let dir = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(at: dir.file("link.bin"), withDestinationURL: outside.file("secret.bin"))
        try ModelWriter().write(Self.model([Self.externalTensor([("location", "link.bin")])]), to: dir.file("m.onnx"))
        #expect {
            try ModelReader().read(contentsOf: dir.file("m.onnx"))
        } throws: { error in
            if case ONNXProtobufError.externalData("w", "link.bin", .symlinkOutsideModelFolder)? = error as? ONNXProtobufError { return true }
            return false
        }
    }

    @Test func symlinkInsideTheFolderIsFine() throws {
        let dir = try TemporaryDirectory()
        try Self.small.rawData!.write(to: dir.file("real.bin"))
        try FileManager.default.createSymbolicLink(at: dir.file("link.bin"), withDestinationURL: dir.file("real.bin"))
        try ModelWriter().write(Self.model([Self.externalTensor([("location", "link.bin")])]), to: dir.file("m.onnx"))
        #expect(try ModelReader().read(contentsOf: dir.file("m.onnx")).graph!.initializers[0].floats() == [1, 1, 1, 1])
    }

    @Test func hardLinkIsRefused() throws {
        let outside = try TemporaryDirectory()
        try Self.small.rawData!.write(to: outside.file("secret.bin"))
        let dir = try TemporaryDirectory()
        try FileManager.default.linkItem(at: outside.file("secret.bin"), to: dir.file("hard.bin"))
        try ModelWriter().write(Self.model([Self.externalTensor([("location", "hard.bin")])]), to: dir.file("m.onnx"))
        #expect(throws: ONNXProtobufError.externalData(tensor: "w", location: "hard.bin", problem: .hardLink(linkCount: 2))) {
            try ModelReader().read(contentsOf: dir.file("m.onnx"))
        }
    }

    @Test func failedWriteLeavesTheOriginalAlone() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("m.onnx")
        try ModelWriter().write(Self.model([Self.small]), to: url)
        let before = try Data(contentsOf: url)
        // .inline cannot write a tensor whose external data was never loaded.
        #expect(throws: ONNXProtobufError.self) {
            try ModelWriter(externalData: .inline).write(Self.model([Self.externalTensor([("location", "x.bin")])]), to: url)
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["m.onnx"])  // no temp files left
    }

    @Test func movingOntoTheModelItselfIsRefused() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: ONNXProtobufError.self) {
            try ModelWriter(externalData: .move(file: "m.onnx", sizeThreshold: 0)).write(Self.model([Self.weights]), to: dir.file("m.onnx"))
        }
        #expect(throws: ONNXProtobufError.self) {
            try ModelWriter(externalData: .move(file: "../x.bin", sizeThreshold: 0)).write(Self.model([Self.weights]), to: dir.file("m.onnx"))
        }
    }
}
