import Foundation
import ONNXIR
import ONNXProtobuf
import Testing

/// The committed corpus (tools/make_malformed_corpus.py) and generated extremes: each gives
/// the typed error MANIFEST.json names, or reads and then fails typed tensor access.
struct MalformedInputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Malformed")

    static let manifest: [String: String] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("MANIFEST.json")),
              let table = try? JSONDecoder().decode([String: String].self, from: data) else { return [:] }
        return table
    }()

    @Test func corpusIsPresent() {
        #expect(Self.manifest.count >= 30)
    }

    @Test(arguments: manifest.keys.sorted())
    func corpusFile(_ name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        let expected = try #require(Self.manifest[name])
        let result = Result { try ModelReader().read(contentsOf: url) }
        switch (expected, result) {
        case ("malformed", .failure(let error)):
            guard case ONNXProtobufError.malformed(let file, _, _)? = error as? ONNXProtobufError else {
                Issue.record("\(name): expected .malformed, got \(error)"); return
            }
            #expect(file == url.path)
        case ("nesting", .failure(let error)):
            guard case ONNXProtobufError.nestingTooDeep? = error as? ONNXProtobufError else {
                Issue.record("\(name): expected .nestingTooDeep, got \(error)"); return
            }
        case ("unsupported", .failure(let error)):
            guard case ONNXProtobufError.unsupported? = error as? ONNXProtobufError else {
                Issue.record("\(name): expected .unsupported, got \(error)"); return
            }
        case ("readable", .success(let model)):
            let tensor = try #require(model.graph?.initializers.first)
            #expect(throws: TensorDataError.self) { _ = try tensor.floats() }
        case ("any", .success):
            break
        case ("any", .failure(let error)):
            #expect(error is ONNXProtobufError, "\(name): untyped error \(error)")
        default:
            Issue.record("\(name): expected \(expected), got \(result)")
        }
    }

    /// `levels` x (node → attribute → graph) inside a model's graph, built in linear time:
    /// every nested message is the last field of its parent, so prefixes can be written
    /// outside-in once the lengths are known inside-out.
    static func nestedGraphs(_ levels: Int) -> Data {
        typealias W = WireBytes
        let leaf = W.string(2, "leaf")
        let nodeHead = W.string(4, "If")
        let attributeHead = W.string(1, "body") + W.int(20, 5)
        var graphLengths = [Int](repeating: 0, count: levels + 1)   // [k]: graph body at level k
        var attributeLengths = [Int](repeating: 0, count: levels)
        var nodeLengths = [Int](repeating: 0, count: levels)
        graphLengths[levels] = leaf.count
        for k in stride(from: levels - 1, through: 0, by: -1) {
            let g = graphLengths[k + 1]
            attributeLengths[k] = attributeHead.count + 1 + W.varint(UInt64(g)).count + g
            nodeLengths[k] = nodeHead.count + 1 + W.varint(UInt64(attributeLengths[k])).count + attributeLengths[k]
            graphLengths[k] = 1 + W.varint(UInt64(nodeLengths[k])).count + nodeLengths[k]
        }
        var out = W.key(7, 2) + W.varint(UInt64(graphLengths[0]))
        out.reserveCapacity(graphLengths[0] + 16)
        for k in 0..<levels {
            out += W.key(1, 2) + W.varint(UInt64(nodeLengths[k])) + nodeHead
            out += W.key(5, 2) + W.varint(UInt64(attributeLengths[k])) + attributeHead
            out += W.key(6, 2) + W.varint(UInt64(graphLengths[k + 1]))
        }
        return Data(out + leaf)
    }

    /// 200,000 levels of graph-in-attribute: far past any stack, refused before unpacking.
    @Test func extremeNestingIsRefusedWithoutRecursion() throws {
        #expect {
            try ModelReader().read(data: Self.nestedGraphs(200_000))
        } throws: { error in
            if case ONNXProtobufError.nestingTooDeep(_, _, let limit)? = error as? ONNXProtobufError { return limit == 100 }
            return false
        }
    }

    /// Depth exactly at the limit still reads (the limit matches protobuf's own default):
    /// Model → Graph (1) → [Node → Attribute → Graph] x 33 = 100 levels; one more is refused.
    @Test func nestingAtTheLimitReads() throws {
        let model = try ModelReader().read(data: Self.nestedGraphs(33))
        #expect(model.graph?.nodes.first?.opType == "If")
        #expect(throws: ONNXProtobufError.self) { try ModelReader().read(data: Self.nestedGraphs(34)) }
    }

    /// Millions of empty nodes would unpack into ~100x their wire size: refused, not allocated.
    @Test func amplificationIsBounded() throws {
        let emptyNodes: [UInt8] = (0..<4_000_000).map { $0 % 2 == 0 ? 0x0A : 0x00 }
        let bytes = WireBytes.key(7, 2) + WireBytes.varint(UInt64(emptyNodes.count)) + emptyNodes
        #expect {
            try ModelReader().read(data: Data(bytes))
        } throws: { error in
            if case ONNXProtobufError.resourceLimit? = error as? ONNXProtobufError { return true }
            return false
        }
    }
}
