import ArgumentParser

/// `onnx-blocks diff` (placeholder: its issue's work replaces this file).
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'diff' is not implemented yet")
    }
}
