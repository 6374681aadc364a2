import ArgumentParser

/// `onnx-blocks convert` (placeholder: its issue's work replaces this file).
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "convert", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'convert' is not implemented yet")
    }
}
