import ArgumentParser

/// `onnx-blocks verify` (placeholder: its issue's work replaces this file).
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'verify' is not implemented yet")
    }
}
