import ArgumentParser

/// `onnx-blocks compare` (placeholder: its issue's work replaces this file).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'compare' is not implemented yet")
    }
}
