import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf
import Testing

/// A ResNet50 exported by someone else's tool: the ONNX wheel's `light_resnet50` (Caffe2:
/// real `BatchNormalization` nodes, residual `Sum`, weights from `ConstantOfShape`), written
/// by tools/make_conformance_data.py into $ONNX_BLOCKS_CACHE/conformance (tools/test.sh).
@Suite struct LightModelTests {
    static func model(_ name: String) throws -> Model {
        let cache = ProcessInfo.processInfo.environment["ONNX_BLOCKS_CACHE"] ?? ""
        let url = URL(fileURLWithPath: cache).appendingPathComponent("conformance/light/\(name).onnx")
        guard !cache.isEmpty, FileManager.default.fileExists(atPath: url.path) else {
            throw MissingData(description: "\(url.path) is missing: run tools/test.sh (it sets ONNX_BLOCKS_CACHE and generates the conformance data)")
        }
        return try ModelReader().read(contentsOf: url)
    }

    struct MissingData: Error, CustomStringConvertible { var description: String }

    @Test func caffe2ResNet50IsAKerasStyleResNet50() throws {
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try Self.model("light_resnet50"))
        #expect(recognition.isComplete, "\(recognition.unassigned.prefix(3))")
        #expect(recognition.nodeCount == 415)
        // Caffe2 strides on the 3×3 of each stage's first bottleneck (convs r39, r81, r143 have
        // strides [2, 2] in the file), as torchvision does: ResNet-50 "V1.5", not Keras' V1.
        let document = StructureDocument.make(recognition)
        let checks = try StructureSpec.check(document, against: KnownArchitectures.specs["resnet50-v1.5"]!)
        #expect(checks.compactMap(\.failure) == [])
        let v1 = try StructureSpec.check(document, against: KnownArchitectures.specs["resnet50"]!).compactMap(\.failure)
        #expect(v1.count == 3 && v1.allSatisfy { $0.contains("strideConv 1 expected, 2 found") }, "\(v1)")
        // Keras' ResNet50 has 25,636,712 parameters (BN as gamma, beta, mean, variance); its convs
        // carry biases, Caffe2's do not: 64 + 1,408 + 3,584 + 10,240 + 11,264 = 26,560 conv outputs
        // (stem; stages of 3/4/6/3 bottlenecks with C, C, 4C outputs plus one 4C projection).
        #expect(recognition.network.parameterCount == 25_636_712 - 26_560)
    }
}
