import ArgumentParser

/// `onnx-blocks blocks` (placeholder: its issue's work replaces this file).
struct BlocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "blocks", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'blocks' is not implemented yet")
    }
}
