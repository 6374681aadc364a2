import Foundation
import ONNXIR
import ONNXProtobuf
import Testing

/// Reading wire bytes written by hand: values and field presence come out as encoded.
struct HandEncodedReadTests {
    typealias W = WireBytes

    @Test func modelFieldsAndPresence() throws {
        let tensor = W.int(1, 2) + W.int(1, 3) + W.int(2, 1) + W.string(8, "w")
            + W.bytes(9, [0, 0, 128, 63] + [0, 0, 0, 64] + [UInt8](repeating: 0, count: 16))
        let node = W.string(1, "x") + W.string(1, "") + W.string(2, "y") + W.string(4, "Relu")
            + W.bytes(5, W.string(1, "alpha") + W.int(20, 1) + W.key(2, 5) + [0, 0, 0, 63])
        let graph = W.bytes(1, node) + W.string(2, "g") + W.bytes(5, tensor)
        let bytes = W.int(1, 8) + W.string(2, "hand") + W.string(3, "") + W.bytes(7, graph)
            + W.bytes(8, W.string(1, "") + W.int(2, 17))
        let model = try ModelReader().read(data: Data(bytes))
        #expect(model.irVersion == 8)
        #expect(model.producerName == "hand")
        #expect(model.producerVersion == "")      // present but empty
        #expect(model.domain == nil)              // absent
        #expect(model.modelVersion == nil)
        #expect(model.opsetImports == [OperatorSetID(domain: "", version: 17)])
        let g = try #require(model.graph)
        #expect(g.name == "g")
        #expect(g.docString == nil)
        #expect(g.nodes.count == 1)
        #expect(g.nodes[0].inputs == ["x", ""])
        #expect(g.nodes[0].opType == "Relu")
        #expect(g.nodes[0].name == nil)
        let alpha = try #require(g.nodes[0].attribute("alpha"))
        #expect(alpha.type == .float)
        #expect(alpha.f == 0.5)
        #expect(alpha.i == nil)
        #expect(g.initializers[0].dims == [2, 3])
        #expect(g.initializers[0].dataType == .float)
        #expect(try g.initializers[0].floats() == [1, 2, 0, 0, 0, 0])
        #expect(g.initializers[0].dataLocation == nil)
    }

    @Test func emptyInputIsAnEmptyModel() throws {
        let model = try ModelReader().read(data: Data())
        #expect(model == Model())
    }

    @Test func packedAndUnpackedRepeatedFieldsBothRead() throws {
        // float_data (4) is packed in onnx.proto; the wire may carry it either way.
        let packed = W.int(2, 1) + W.bytes(4, [0, 0, 128, 63, 0, 0, 0, 64])
        let unpacked = W.int(2, 1) + W.key(4, 5) + [0, 0, 128, 63] + W.key(4, 5) + [0, 0, 0, 64]
        #expect(try TensorProtoFile.decode(Data(packed)).floatData == [1, 2])
        #expect(try TensorProtoFile.decode(Data(unpacked)).floatData == [1, 2])
    }

    @Test func largeRawDataSharesTheFileBuffer() throws {
        // Over WireScanner's 4 KiB threshold: read through the marker path.
        let values = (0..<5000).map { Float($0) }
        let raw = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let bytes = W.int(1, 5000) + W.int(2, 1) + W.string(8, "big") + W.bytes(9, raw) + W.string(12, "doc")
        let tensor = try TensorProtoFile.decode(Data(bytes))
        #expect(tensor.name == "big")
        #expect(tensor.docString == "doc")
        #expect(try tensor.floats() == values)
    }
}
