import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// The onnx wheel's `light/` models (AlexNet, VGG19, GoogLeNet, Inception-V2, ResNet50,
/// DenseNet121, SqueezeNet, ShuffleNet, ZFNet): weights made by ConstantOfShape, input
/// `arange(n) / n` as the onnx backend runner feeds it, expected `*_output_0.pb`.
@Suite struct LightModelTests {
    /// Tolerances the onnx backend test uses per model (rtol; atol is 1e-7).
    static let models: [(name: String, rtol: Double)] = [
        ("bvlc_alexnet", 1e-3), ("densenet121", 2e-3), ("inception_v1", 1e-3), ("inception_v2", 1e-3),
        ("resnet50", 1e-3), ("shufflenet", 1e-3), ("squeezenet", 1e-3), ("vgg19", 1e-3), ("zfnet512", 1e-3),
    ]

    @Test("light model matches its expected output", arguments: models.map(\.name))
    func light(_ name: String) throws {
        let root: URL
        switch ConformanceData.root() {
        case .success(let url): root = url
        case .failure(let missing): Issue.record("\(missing.message)"); return
        }
        let dir = root.appendingPathComponent("light")
        let model = try ModelReader().read(contentsOf: dir.appendingPathComponent("light_\(name).onnx"))
        let expected = try TensorValue(TensorProtoFile.read(contentsOf: dir.appendingPathComponent("light_\(name)_output_0.pb")))
        let session = try Session(model: model)
        var feeds: [String: TensorValue] = [:]
        for input in session.inputs {
            let shape = input.concreteShape()
            let n = shape.reduce(1, *)
            feeds[input.name] = TensorValue(shape: shape, floats: (0..<n).map { Float(Double($0) / Double(n)) })
        }
        let outputs = try session.run(feeds)
        let rtol = Self.models.first { $0.name == name }!.rtol
        let c = TensorComparison(name: session.outputNames[0], actual: outputs[session.outputNames[0]]!, reference: expected, rtol: rtol, atol: 1e-7)
        print("light \(name): max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError), \(c.passed ? "pass" : "FAIL")")
        #expect(c.passed, "\(name): \(c.problem ?? "max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError) at \(c.worstIndex)")")
    }
}
