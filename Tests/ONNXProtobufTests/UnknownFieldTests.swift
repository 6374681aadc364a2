import Foundation
import ONNXIR
@testable import ONNXProtobuf
import Testing

/// Fields this build does not know survive read → IR → write at the model, graph, node and
/// tensor levels; external-data checksums are verified. Expected bytes are hand-encoded
/// from the wire format (WireBytes), SHA-1 values are the FIPS 180 test vectors.
struct UnknownFieldTests {
    typealias W = WireBytes

    /// A model with one unknown field per level (each after the known ones, in field-number
    /// order, which is how protobuf writers serialize them).
    static func modelBytes() -> [UInt8] {
        let tensor = W.int(1, 2) + W.int(2, 2) + W.string(8, "w") + W.bytes(9, [1, 2])
            + W.key(55, 1) + [1, 2, 3, 4, 5, 6, 7, 8]
        let node = W.string(1, "w") + W.string(2, "y") + W.string(3, "n") + W.string(4, "Identity")
            + W.key(77, 5) + [0xAA, 0xBB, 0xCC, 0xDD]
        let graph = W.bytes(1, node) + W.string(2, "g") + W.bytes(5, tensor) + W.bytes(99, [9, 9, 9])
        return W.int(1, 10) + W.bytes(7, graph) + W.int(111, 42)
    }

    @Test func keptInTheIRAndWrittenBackByteForByte() throws {
        let bytes = Self.modelBytes()
        let model = try ModelReader().read(data: Data(bytes))
        #expect(model.unknownFields == [UnknownField(number: 111, wireType: 0, payload: Data([42]))])
        let graph = try #require(model.graph)
        #expect(graph.unknownFields.map(\.number) == [99])
        #expect(graph.unknownFields.first?.wireType == 2)
        #expect(graph.nodes.first?.unknownFields == [UnknownField(number: 77, wireType: 5, payload: Data([0xAA, 0xBB, 0xCC, 0xDD]))])
        #expect(graph.initializers.first?.unknownFields == [UnknownField(number: 55, wireType: 1, payload: Data([1, 2, 3, 4, 5, 6, 7, 8]))])
        #expect(graph.initializers.first?.rawData == Data([1, 2]))
        let written = try ModelWriter().serialize(model)
        #expect(Array(written) == bytes)
    }

    @Test func editedModelsKeepThemToo() throws {
        var model = try ModelReader().read(data: Data(Self.modelBytes()))
        model.producerName = "edited"
        let again = try ModelReader().read(data: try ModelWriter().serialize(model))
        #expect(again.unknownFields == model.unknownFields)
        #expect(again.graph?.nodes.first?.unknownFields == model.graph?.nodes.first?.unknownFields)
        #expect(again.producerName == "edited")
    }

    /// (text, times repeated, digest)
    @Test(arguments: [
        ("", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("a", 1_000_000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
    ])
    func sha1TestVectors(_ text: String, _ times: Int, _ digest: String) {
        let message = String(repeating: text, count: times)
        #expect(SHA1.hexDigest(Data(message.utf8)) == digest)
        // Fed in odd pieces, the same digest.
        var hasher = SHA1()
        let bytes = Array(message.utf8)
        var k = 0
        var piece = 1
        while k < bytes.count {
            let end = min(bytes.count, k + piece)
            bytes[k..<end].withUnsafeBytes { hasher.update($0) }
            k = end
            piece = piece * 3 % 97 + 1
        }
        #expect(hasher.finalize() == digest)
    }

    static func externalModel(checksum: String?) throws -> (TemporaryDirectory, URL) {
        let dir = try TemporaryDirectory()
        try Data("abc".utf8).write(to: dir.file("data.bin"))
        var entries = [MetadataEntry(key: "location", value: "data.bin")]
        if let checksum { entries.append(MetadataEntry(key: "checksum", value: checksum)) }
        let tensor = Tensor(name: "w", dims: [3], dataType: .uint8, externalData: entries, dataLocation: .external)
        let model = Model(irVersion: 10, opsetImports: [OperatorSetID(domain: "", version: 21)],
                          graph: Graph(name: "g", initializers: [tensor]))
        let url = dir.file("m.onnx")
        try ModelWriter(externalData: .keep).write(model, to: url)
        return (dir, url)
    }

    @Test func matchingChecksumLoads() throws {
        let (dir, url) = try Self.externalModel(checksum: "A9993E364706816ABA3E25717850C26C9CD0D89D")
        let model = try ModelReader().read(contentsOf: url)
        #expect(model.graph?.initializers.first?.rawData == Data("abc".utf8))
        _ = dir
    }

    @Test func corruptedChecksumIsRefusedUnlessSkipped() throws {
        let (dir, url) = try Self.externalModel(checksum: "a9993e364706816aba3e25717850c26c9cd0d89e")
        #expect(throws: ONNXProtobufError.externalData(tensor: "w", location: "data.bin", problem: .checksumMismatch(
            expected: "a9993e364706816aba3e25717850c26c9cd0d89e", actual: "a9993e364706816aba3e25717850c26c9cd0d89d"))) {
            try ModelReader().read(contentsOf: url)
        }
        var reader = ModelReader()
        reader.verifyChecksums = false
        #expect(try reader.read(contentsOf: url).graph?.initializers.first?.rawData == Data("abc".utf8))
        _ = dir
    }

    @Test func malformedChecksumIsRefused() throws {
        let (dir, url) = try Self.externalModel(checksum: "not-a-digest")
        #expect(throws: ONNXProtobufError.externalData(tensor: "w", location: "data.bin", problem: .invalidChecksum("not-a-digest"))) {
            try ModelReader().read(contentsOf: url)
        }
        _ = dir
    }
}
