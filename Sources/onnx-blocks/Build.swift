import ArgumentParser
import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// `onnx-blocks build (ARCH | SPEC.json | --from MODEL) -o OUT.onnx`: a standard architecture
/// or a block spec with seeded weights, or a model's recognized blocks written back as a
/// clean ONNX with the same interface.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a standard architecture or a block spec as ONNX, or rebuild a model from its blocks.",
        discussion: """
            ARCH is one of 'build --list'. SPEC.json is the 'blocks --json' form (weights are \
            initialized from --seed). With --from, MODEL's blocks are recognized and emitted again \
            with MODEL's weights, input/output names, shapes and layout. Exit 1 when the structure \
            is impossible or MODEL is not fully recognized, 2 for an unreadable MODEL or spec or bad arguments.

            Examples:
              onnx-blocks build resnet50 -o resnet50.onnx
              onnx-blocks build --from keras_export.onnx -o clean.onnx
            """
    )

    @Argument(help: "An architecture name or a spec file (.json).") var source: String?
    @Option(name: .customLong("from"), help: "Rebuild this ONNX model from its recognized blocks.") var from: String?
    @Option(name: .shortAndLong, help: "Where to write the ONNX model.") var output: String?
    @Flag(help: "List the architectures.") var list = false
    @Option(help: "Input height and width (default: 224 for ResNets, 299 for Inceptions).") var inputSize: Int?
    @Option(help: "Number of classes of the classifier.") var classes: Int?
    @Option(help: "Seed of the weight initialization.") var seed: UInt64 = 0
    @Option(help: "ONNX opset (\(EmitterOptions.supportedOpsets.lowerBound)...\(EmitterOptions.supportedOpsets.upperBound)).")
    var opset: Int = EmitterOptions.defaultOpset
    @Flag(help: "Fold BatchNormalization into the preceding convolutions.") var foldBatchnorm = false
    @Flag(help: "Fold Inception-ResNet residual scales into the up-projection weights.") var foldScale = false
    @Option(name: .customLong("external-data"), help: "Write weights to this file (relative to OUT's folder).")
    var externalData: String?
    @Option(help: ArgumentHelp("Also run the native blocks (Network.forward) on this input (.pb TensorProto).", visibility: .hidden))
    var forwardInput: String?
    @Option(help: ArgumentHelp("Where to write that forward pass's output (.pb TensorProto).", visibility: .hidden))
    var forwardOutput: String?
    @Option(help: ArgumentHelp("Where to write that forward pass's logits (.pb TensorProto).", visibility: .hidden))
    var forwardLogits: String?

    func validate() throws {
        if list { return }
        if (source == nil) == (from == nil) { throw ValidationError("give either ARCH / SPEC.json or --from MODEL") }
        if output == nil { throw ValidationError("missing -o OUT.onnx") }
        if !EmitterOptions.supportedOpsets.contains(opset) {
            throw ValidationError("--opset must be in \(EmitterOptions.supportedOpsets.lowerBound)...\(EmitterOptions.supportedOpsets.upperBound)")
        }
        if let n = inputSize, n < 1 { throw ValidationError("--input-size must be positive") }
        if let n = classes, n < 1 { throw ValidationError("--classes must be positive") }
        if (forwardInput == nil) != (forwardOutput == nil) { throw ValidationError("--forward-input and --forward-output go together") }
        if from != nil && (inputSize != nil || classes != nil) {
            throw ValidationError("--input-size and --classes do not apply to --from (the model fixes them)")
        }
    }

    func run() throws {
        if list {
            for arch in Architecture.allCases {
                print("\(arch.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(arch.summary)")
            }
            return
        }
        let emitter = ONNXEmitter(options: EmitterOptions(opset: opset, foldBatchNorm: foldBatchnorm, foldResidualScale: foldScale))
        var model: Model
        var network: Network
        do {
            if let from {
                (network, model) = try rebuild(from, emitter: emitter)
            } else {
                network = try self.network(source!)
                model = try emitter.emit(network)
            }
        } catch let error as BuildError {
            throw CommandFailure.invalid(error.description)
        } catch let error as EmitError {
            throw CommandFailure.invalid(error.description)
        } catch let error as SpecError {
            throw CommandFailure.invalid(error.description)
        }
        model.producerName = "onnx-blocks"
        var writer = ModelWriter()
        if let externalData { writer.externalData = .move(file: externalData, sizeThreshold: 1024) }
        do {
            try writer.write(model, to: URL(fileURLWithPath: output!))
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        if let forwardInput, let forwardOutput {
            try forward(network, input: forwardInput, output: forwardOutput)
        }
    }

    /// Recognize MODEL's blocks and emit them again, keeping MODEL's interface.
    func rebuild(_ path: String, emitter: ONNXEmitter) throws -> (Network, Model) {
        let source: Model
        do { source = try ModelReader().read(contentsOf: URL(fileURLWithPath: path)) } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        try CommandFailure.requireONNX(source, path: path)
        try MappedModel.requireValid(source, path: path)
        let recognition: Recognition
        do { recognition = try BlockRecognizer(loadWeights: true).recognize(source) } catch let error as RecognitionError {
            throw CommandFailure.invalid("\(path): \(error)")
        }
        guard recognition.isComplete else {
            let names = recognition.unassigned.prefix(5).map { "\($0.name) (\($0.opType): \($0.reason))" }
            throw CommandFailure.invalid("\(path): \(recognition.unassigned.count) node(s) belong to no block, so the "
                                         + "model cannot be rebuilt: " + names.joined(separator: ", "))
        }
        return try emitter.emit(recognition.network, keepingInterfaceOf: source)
    }
}
