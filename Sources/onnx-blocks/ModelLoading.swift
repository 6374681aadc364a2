import Foundation
import ONNXIR
import ONNXProtobuf

/// Reading a model file for a subcommand: progress bar on a TTY for slow loads, and
/// reader errors turned into `CommandFailure`s (I/O → exit 2, malformed model → exit 1).
enum ModelLoading {
    /// - Parameter loadExternalData: resolve tensors kept in external files (off when only
    ///   the structure is needed: faster, and the data files may be absent).
    static func read(_ path: String, loadExternalData: Bool = true, verbose: Bool = false) throws -> Model {
        let url = URL(fileURLWithPath: path)
        let bar = ProgressBar("reading \(url.lastPathComponent)")
        defer { bar.finish() }
        var reader = ModelReader()
        reader.loadExternalData = loadExternalData
        reader.progress = { done, total in bar.update(done, total) }
        do {
            let model = try reader.read(contentsOf: url)
            try CommandFailure.requireONNX(model, path: path)
            return model
        } catch let error as ONNXProtobufError {
            var failure = CommandFailure.from(error)
            failure.detail = "while reading \(url.path) (\(Self.fileSizeDescription(url)))"
            failure.verbose = verbose
            throw failure
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            var failure = CommandFailure.usage("\(path): \(error)")
            failure.verbose = verbose
            throw failure
        }
    }

    static func fileSizeDescription(_ url: URL) -> String {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber else {
            return "size unknown"
        }
        return "\(size.int64Value) bytes"
    }
}
