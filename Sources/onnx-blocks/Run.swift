import ArgumentParser
import Foundation
import ONNXIR
import Runtime

/// `onnx-blocks run MODEL`: reference inference. Writes each requested tensor (graph outputs
/// by default, any intermediate with `--output`) as one file named after the tensor.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on given or generated inputs and write its outputs.",
        discussion: "Inputs from .npy or TensorProto .pb files. Exit 0 ok, 1 invalid model or inputs, 2 usage or I/O error."
    )

    @Argument(help: "The model to run.") var model: String
    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .customLong("output"), help: ArgumentHelp("A tensor to write (default: the graph outputs). Repeatable.", valueName: "NAME"))
    var outputs: [String] = []
    @Option(name: .customLong("output-dir"), help: "Folder for the output files (default: the current folder).")
    var outputDirectory: String = "."
    @Option(help: "File format: npy or pb.") var format: TensorFiles.Format = .npy
    @Flag(help: "Print a JSON summary.") var json = false

    func run() throws {
        let options = try runtime.sessionOptions(outputs: outputs.isEmpty ? nil : outputs)
        let session = try ModelSession.load(model, options: options)
        let feeds = try InputFeeds.make(for: session, options: runtime, model: model)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outputDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.usage("--output-dir \(outputDirectory): no such folder")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let results = try ModelSession.run(session, feeds, model: model)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        var written: [OutputRecord] = []
        var usedNames = Set<String>()
        for name in session.outputNames {
            let value = results[name]!
            var file = TensorFiles.fileName(for: name, format: format)
            // Two tensors that sanitize to the same name must not overwrite each other.
            var k = 1
            while usedNames.contains(file) { file = TensorFiles.fileName(for: name + "_\(k)", format: format); k += 1 }
            usedNames.insert(file)
            let url = URL(fileURLWithPath: outputDirectory).appendingPathComponent(file)
            try TensorFiles.write(value, name: name, to: url, format: format)
            written.append(OutputRecord(name: name, file: url.path, shape: value.shape, elementType: value.elementType.name))
        }
        if json {
            try printJSON(RunSummary(outputs: written, milliseconds: milliseconds))
        } else {
            for w in written { print("\(w.name): \(w.elementType) \(w.shape) -> \(w.file)") }
            print(String(format: "%.2f ms", milliseconds))
        }
    }

    struct OutputRecord: Encodable {
        var name: String
        var file: String
        var shape: [Int]
        var elementType: String
    }

    struct RunSummary: Encodable {
        var outputs: [OutputRecord]
        var milliseconds: Double
    }
}

/// Prints an Encodable as pretty JSON with sorted keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
