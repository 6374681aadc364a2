import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks blocks MODEL [--json] [--svg FILE]`: the model's block structure.
struct BlocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocks",
        abstract: "Show a model's ResNet / Inception block structure.",
        discussion: "Exit 0 when every node belongs to a block, 1 when some are unassigned (they are listed), 2 on I/O errors."
    )

    @Argument(help: "The ONNX model.") var model: String
    @Flag(help: "Print the block list as JSON (GUIDE §3 vocabulary, with coverage and unassigned nodes).") var json = false
    @Option(help: "Write a block diagram (SVG) to this file.") var svg: String?

    func run() throws {
        let recognition = try MappedModel.recognize(path: model)
        if let svg {
            let text = BlockDiagram(recognition: recognition).render()
            do { try AtomicText.write(text, to: svg) } catch {
                throw CommandFailure.usage("cannot write \(svg): \(error.localizedDescription)")
            }
        }
        print(json ? recognition.describe().pretty() : BlockTree(recognition: recognition).render())
        if !recognition.isComplete { throw ExitCode(1) }
    }
}
