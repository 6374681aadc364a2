import ArgumentParser

/// `onnx-blocks bench` (placeholder: its issue's work replaces this file).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not implemented yet.")

    func run() throws {
        throw CommandFailure.usage("'bench' is not implemented yet")
    }
}
