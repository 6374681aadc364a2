// QuickStart: the four things most users do with onnx-blocks, from Swift.
//
//   swift run -c release QuickStart MODEL.onnx [TEST_DATA_SET_DIR]
//
// 1. read an ONNX file into the Swift IR (ONNXProtobuf → ONNXIR),
// 2. recover its block structure (BlockMapper),
// 3. run it on the reference runtime (Runtime),
// 4. compare the output with a reference (onnxruntime's `output_0.pb` when a test-data folder
//    is given, otherwise the same model run without operator fusion).
import BlockMapper
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments.dropFirst()
guard let modelPath = arguments.first else {
    fail("usage: QuickStart MODEL.onnx [TEST_DATA_SET_DIR]")
}
let testData = arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }

do {
    // 1. Read.
    let model = try ModelReader().read(contentsOf: URL(fileURLWithPath: modelPath))
    print("read \(modelPath): \(model.graph?.nodes.count ?? 0) nodes")

    // 2. Blocks. `loadWeights: false` is enough to look at the structure.
    let recognition = try BlockRecognizer(loadWeights: false).recognize(model)
    let network = recognition.network
    print("family \(network.family): \(network.blocks.count) body blocks, "
        + "\(recognition.assignedCount)/\(recognition.nodeCount) nodes placed")
    for block in network.blocks.prefix(3) {
        print("  \(block.name)")
    }
    if network.blocks.count > 3 { print("  …") }

    // 3. Run. The input is the test-data input when given, else a fixed ramp.
    let session = try Session(model: model)
    guard let input = session.inputs.first else { fail("the model has no inputs") }
    let feed: TensorValue
    if let testData {
        feed = try TensorValue(TensorProtoFile.read(contentsOf: testData.appendingPathComponent("input_0.pb")))
    } else {
        let shape = input.concreteShape(symbols: [:])
        let count = shape.reduce(1, *)
        feed = TensorValue(shape: shape, floats: (0..<count).map { Float($0 % 97) / 97 - 0.5 })
    }
    let outputs = try session.run([input.name: feed])
    guard let outputName = session.outputNames.first, let output = outputs[outputName] else {
        fail("the model produced no output")
    }
    print("ran: \(outputName) has shape \(output.shape)")

    // 4. Compare under the equivalence rule |a − b| ≤ atol + rtol·|b|.
    let reference: TensorValue
    let referenceName: String
    if let testData {
        reference = try TensorValue(TensorProtoFile.read(contentsOf: testData.appendingPathComponent("output_0.pb")))
        referenceName = "onnxruntime (output_0.pb)"
    } else {
        let unfused = try Session(model: model, options: SessionOptions(fusion: false))
        guard let value = try unfused.run([input.name: feed])[outputName] else { fail("no unfused output") }
        reference = value
        referenceName = "the same model without fusion"
    }
    let comparison = TensorComparison(name: outputName, actual: output, reference: reference, rtol: 1e-4, atol: 1e-5)
    print("compared with \(referenceName): max abs \(comparison.maxAbsoluteError), "
        + (comparison.passed ? "equivalent" : "NOT equivalent"))
    exit(comparison.passed ? 0 : 1)
} catch {
    fail("\(error)")
}
