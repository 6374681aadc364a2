import ArgumentParser

/// `onnx-blocks run` (placeholder: its issue's work replaces this file).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'run' is not implemented yet")
    }
}
