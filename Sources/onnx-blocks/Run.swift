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
        discussion: """
            Inputs from .npy or TensorProto .pb files; inputs not given are generated (seeded, \
            uniform in [-1, 1)) and named on stderr. With --format pb the folder gets the ONNX \
            test_data_set layout (input_K.pb, output_K.pb, tensor names inside) that \
            'compare --reference DIR' reads; with npy one file per tensor, named after it.
            Exit 0 ok, 1 invalid model, 2 unreadable model or inputs, inputs that do not fit, bad arguments.

            Examples:
              onnx-blocks run model.onnx --input image=x.npy
              onnx-blocks run model.onnx --output-dir ref --format pb
              onnx-blocks compare other.onnx --reference ref
            """
    )

    @Argument(help: "The model to run.") var model: String
    @OptionGroup var runtime: RuntimeOptions
    @Option(name: [.customLong("tensor"), .customLong("output")],
            help: ArgumentHelp("A tensor to write (default: the graph outputs; --output is the older spelling). Repeatable.", valueName: "NAME"))
    var outputs: [String] = []
    @Option(name: .customLong("output-dir"), help: "Folder for the output files, created if missing (default: the current folder).")
    var outputDirectory: String = "."
    @Option(help: "File format: npy or pb.") var format: TensorFiles.Format = .npy
    @Flag(help: "Print a JSON summary.") var json = false
    @Option(help: ArgumentHelp(
        "Run the model this many times on the same inputs and write the last run's outputs (and time). From the second run on a session reuses what the first learned (branches written straight into their Concat's output), as a long-lived one does.",
        valueName: "N"))
    var runs = 1

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let options = try runtime.sessionOptions(outputs: outputs.isEmpty ? nil : outputs)
        let session = try ModelSession.load(model, options: options)
        let feeds = try InputFeeds.make(for: session, options: runtime, model: model)
        try Self.prepareFolder(outputDirectory)
        var results: [String: TensorValue] = [:]
        var milliseconds = 0.0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            results = try ModelSession.run(session, feeds, model: model)
            milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        var written: [OutputRecord] = [], writtenInputs: [OutputRecord] = []
        func write(_ name: String, _ value: TensorValue, file: String, isInput: Bool = false) throws {
            let url = URL(fileURLWithPath: outputDirectory).appendingPathComponent(file)
            try TensorFiles.write(value, name: name, to: url, format: format)
            let record = OutputRecord(name: name, file: url.path, shape: value.shape, elementType: value.elementType.name)
            if isInput { writtenInputs.append(record) } else { written.append(record) }
        }
        if format == .pb {
            // The ONNX test_data_set layout: compare --reference reads it back.
            for (k, input) in session.inputs.enumerated() {
                try write(input.name, feeds[input.name]!, file: "input_\(k).pb", isInput: true)
            }
            for (k, name) in session.outputNames.enumerated() { try write(name, results[name]!, file: "output_\(k).pb") }
        } else {
            var usedNames = Set<String>()
            for name in session.outputNames {
                var file = TensorFiles.fileName(for: name, format: format)
                // Two tensors that sanitize to the same name must not overwrite each other.
                var k = 1
                while usedNames.contains(file) { file = TensorFiles.fileName(for: name + "_\(k)", format: format); k += 1 }
                usedNames.insert(file)
                try write(name, results[name]!, file: file)
            }
        }
        if json {
            try printJSON(RunSummary(inputs: format == .pb ? writtenInputs : nil, outputs: written, milliseconds: milliseconds))
        } else {
            for w in written { print("\(w.name): \(w.elementType) \(w.shape) -> \(w.file)") }
            print(String(format: "%.2f ms", milliseconds))
        }
    }

    /// Creates the output folder (and its parents) when missing; a file in the way is a usage error.
    static func prepareFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw CommandFailure.usage("--output-dir \(path): a file, not a folder") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CommandFailure.usage("--output-dir \(path): cannot create the folder")
        }
    }

    struct OutputRecord: Encodable {
        var name: String
        var file: String
        var shape: [Int]
        var elementType: String
    }

    struct RunSummary: Encodable {
        /// The inputs written beside the outputs (`--format pb`), nil otherwise.
        var inputs: [OutputRecord]?
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
