import ArgumentParser

/// `onnx-blocks check` (placeholder: its issue's work replaces this file).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'check' is not implemented yet")
    }
}
