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

/// The ONNX wheel's other classic models (Caffe / Caffe2 exports, not Keras): every node in a
/// block, the family, the block kinds per stage and sizes from the papers.
@Suite struct ClassicLightModelTests {
    struct Case: Sendable, CustomStringConvertible {
        var model: String
        var family: Family
        var nodes: Int
        /// Block kind/variant runs in order (stem and head excluded).
        var runs: [(String, Int)]
        /// Parameter count when an independent figure exists (Caffe model zoo / Keras).
        var parameters: Int?
        var description: String { model }
    }

    static let cases: [Case] = [
        // GoogLeNet (Szegedy et al. 2014, table 1): 3a-3b, pool, 4a-4e, pool, 5a-5b.
        Case(model: "light_inception_v1", family: .inceptionV1, nodes: 237,
             runs: [("inception/v1", 2), ("transition/max-pool", 1), ("inception/v1", 5), ("transition/max-pool", 1), ("inception/v1", 2)],
             parameters: nil),
        // BN-Inception (Ioffe & Szegedy 2015, fig. 5): 3a, 3b, 3c (reduction), 4a-4d, 4e (reduction), 5a, 5b.
        Case(model: "light_inception_v2", family: .bnInception, nodes: 916,
             runs: [("inception/bn", 2), ("reduction/bn", 1), ("inception/bn", 4), ("reduction/bn", 1), ("inception/bn", 2)],
             parameters: nil),
        // VGG-19: 2-2-4-4-4 convs; Keras VGG19 has 143,667,240 parameters.
        Case(model: "light_vgg19", family: .plain, nodes: 82, runs: [("conv-stage/vgg", 5)], parameters: 143_667_240),
        // AlexNet (Caffe bvlc_alexnet, two-tower groups): 60,965,224 parameters.
        Case(model: "light_bvlc_alexnet", family: .plain, nodes: 40, runs: [("conv-stage/generic", 3)], parameters: 60_965_224),
        Case(model: "light_zfnet512", family: .plain, nodes: 38, runs: [("conv-stage/generic", 2), ("conv-stage/vgg", 1)], parameters: nil),
    ]

    static func runs(_ blocks: [Block]) -> [(String, Int)] {
        var out: [(String, Int)] = []
        for b in blocks {
            let key = "\(b.kind)/\(b.variant)"
            if out.last?.0 == key { out[out.count - 1].1 += 1 } else { out.append((key, 1)) }
        }
        return out
    }

    @Test(arguments: cases)
    func mapsCompletely(_ c: Case) throws {
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try LightModelTests.model(c.model))
        #expect(recognition.isComplete, "\(recognition.unassigned.prefix(3))")
        #expect(recognition.nodeCount == c.nodes)
        #expect(recognition.network.family == c.family)
        let runs = Self.runs(recognition.network.blocks)
        #expect(runs.map(\.0) == c.runs.map(\.0))
        #expect(runs.map(\.1) == c.runs.map(\.1))
        if let p = c.parameters { #expect(recognition.network.parameterCount == p) }
    }

    /// The classifier: one dense layer for GoogLeNet and BN-Inception, three for AlexNet.
    @Test(arguments: ["light_inception_v1", "light_inception_v2", "light_bvlc_alexnet"])
    func classicHeadsHaveTheirDenseLayers(_ name: String) throws {
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try LightModelTests.model(name))
        let head = try #require(recognition.network.head)
        #expect(head.classes == 1000)
        // AlexNet's "4096×2, 1000"; GoogLeNet and BN-Inception: one classifier.
        #expect(head.hidden.map(\.outputFeatures) == (name == "light_bvlc_alexnet" ? [4096, 4096] : []))
    }
}
