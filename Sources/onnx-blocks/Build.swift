import ArgumentParser

/// `onnx-blocks build` (placeholder: its issue's work replaces this file).
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'build' is not implemented yet")
    }
}
