import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks blocks MODEL [--json] [--svg FILE]`: the model's block structure.
struct BlocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocks",
        abstract: "Show a model's block structure (ResNet, Inception, VGG / AlexNet, MobileNetV2 families).",
        discussion: """
            --json prints the document 'verify --expect' reads \
            (tools/schemas/structure-spec-v1.schema.json): the block vocabulary plus each block's \
            conv layers and the model's totals.
            Exit 0 when the model was read, also for a partial map (the nodes no block takes are \
            listed with a reason); with --require-full, 1 when any node is unassigned. 1 for an \
            invalid model, 2 for an unreadable model or bad arguments.

            Examples:
              onnx-blocks blocks resnet50.onnx
              onnx-blocks blocks resnet50.onnx --json > spec.json
              onnx-blocks blocks resnet50.onnx --svg resnet50.svg
              onnx-blocks blocks densenet121.onnx --require-full    # CI: fail on a partial map
            """
    )

    @Argument(help: "The ONNX model.") var model: String
    @Flag(help: "Print the block list as JSON (GUIDE §3 vocabulary, with coverage and unassigned nodes).") var json = false
    @Option(help: "Write a block diagram (SVG) to this file.") var svg: String?
    @Flag(help: "Print how long reading and recognizing took (stderr).") var timing = false
    @Flag(help: "Exit 1 unless every node belongs to a block (for CI).") var requireFull = false
    @Option(name: .customLong("forward-check"),
            help: "Run the blocks' own forward on DIR/input_0.pb and compare with DIR/output_0.pb (and logits.pb).")
    var forwardCheck: String?

    func run() throws {
        let recognition = try MappedModel.recognize(path: model, loadWeights: forwardCheck != nil, timing: timing)
        if let forwardCheck {
            let check = ForwardCheck(directory: URL(fileURLWithPath: forwardCheck))
            let results = try check.run(recognition.network)
            for r in results {
                let e = r.errors
                print("\(r.passed ? "ok  " : "FAIL") \(r.tensor): max abs \(e.maxAbsoluteError), max rel \(e.maxRelativeError), worst index \(e.worstFlatIndex)")
            }
            print("rule: \(check.rule)")
            if results.contains(where: { !$0.passed }) || !recognition.isComplete { throw ExitCode(1) }
            return
        }
        if let svg {
            let text = BlockDiagram(recognition: recognition).render()
            do { try AtomicText.write(text, to: svg) } catch {
                throw CommandFailure.usage("cannot write \(svg): \(error.localizedDescription)")
            }
        }
        print(json ? StructureDocument.make(recognition).pretty() : BlockTree(recognition: recognition).render())
        if requireFull, !recognition.isComplete { throw ExitCode(1) }
    }
}
