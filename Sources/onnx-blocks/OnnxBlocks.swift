import ArgumentParser
import Foundation

/// The `onnx-blocks` command: one subcommand per file in this folder.
///
/// Exit status, for every subcommand: 0 ok, 1 invalid model / failed check / not equivalent,
/// 2 usage or I/O error. `main()` maps errors to those codes so ArgumentParser's own
/// defaults (64 for usage) never leak out.
@main
struct OnnxBlocks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx-blocks",
        abstract: "Read, check, run and map ONNX models built from ResNet and Inception blocks.",
        version: "0.1.0",
        subcommands: [
            Inspect.self, Check.self, Convert.self,
            Run.self, Compare.self, Bench.self,
            BlocksCommand.self, Verify.self, Diff.self,
            Build.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            failure.report()
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code.rawValue == 0 {
                exit(withError: error)  // --help, --version
            }
            // One spelling for every error line: ArgumentParser's "Error:" becomes our "error:".
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // ExitCode(1) passes through (a subcommand's "failed"); everything else is usage/I-O.
            Foundation.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}
