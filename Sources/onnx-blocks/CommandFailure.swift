import Foundation

/// A failure a subcommand reports: one readable line on stderr (plus detail with
/// `--verbose`) and a documented exit status.
struct CommandFailure: Error {
    /// 1: the model is invalid, a check failed, results differ. 2: usage or I/O error.
    var exitCode: Int32
    var message: String
    var detail: String?
    var verbose: Bool = false

    static func invalid(_ message: String, detail: String? = nil) -> CommandFailure {
        CommandFailure(exitCode: 1, message: message, detail: detail)
    }
    static func usage(_ message: String, detail: String? = nil) -> CommandFailure {
        CommandFailure(exitCode: 2, message: message, detail: detail)
    }

    func report() {
        var text = "error: \(message)\n"
        if verbose, let detail { text += detail + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
