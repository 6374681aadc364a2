import ArgumentParser

/// `onnx-blocks inspect` (placeholder: its issue's work replaces this file).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'inspect' is not implemented yet")
    }
}
