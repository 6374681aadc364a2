import ArgumentParser
import Foundation
import ONNXIR
import ONNXProtobuf

/// `onnx-blocks convert IN OUT`: re-serializes a model, moving weights to an external-data
/// file (`--external-data`) or pulling them back in (`--inline`). Output is written
/// atomically, so IN == OUT is safe and a failure never leaves a broken file.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Re-serialize a model, moving weights to or from external data.",
        discussion: """
            Without options, tensors that were external in IN go to '<OUT>.data' (threshold \
            \(defaultThreshold) bytes) and the rest stays inline.
            Exit 0 ok, 1 invalid model, 2 unreadable file or bad arguments.

            Example:
              onnx-blocks convert model.onnx out.onnx --external-data out.data
            """
    )

    static let defaultThreshold = 1024

    @Argument(help: "The model to read.") var input: String?
    @Argument(help: "Where to write the model.") var output: String?

    @Option(name: .customLong("external-data"), help: "Move tensor data to this file (relative to OUT's folder).")
    var externalData: String?

    @Option(name: .customLong("size-threshold"), help: "Only move tensors with at least this many bytes of data.")
    var sizeThreshold: Int?

    @Flag(help: "Put all tensor data in the model file.") var inline = false

    @Flag(help: "Do not verify the SHA-1 'checksum' of external data files.") var skipChecksum = false

    @Flag(help: "Print details with errors.") var verbose = false

    @Option(help: ArgumentHelp("Round-trip every 'IN<TAB>OUT' line of this file (.pb files as tensors).", visibility: .hidden))
    var batch: String?

    @Option(name: .customLong("bench-read"), help: ArgumentHelp("Time N reads of IN and print JSON (tools/bench_reader.py).", visibility: .hidden))
    var benchReads: Int?

    func validate() throws {
        if inline && externalData != nil { throw ValidationError("--inline and --external-data exclude each other") }
        if sizeThreshold != nil && externalData == nil { throw ValidationError("--size-threshold needs --external-data") }
        if let t = sizeThreshold, t < 0 { throw ValidationError("--size-threshold must be >= 0") }
        if let n = benchReads {
            if n < 1 || input == nil { throw ValidationError("--bench-read needs N >= 1 and IN") }
        } else if batch == nil && (input == nil || output == nil) {
            throw ValidationError("give IN and OUT")
        }
    }

    func run() throws {
        if let batch { return try runBatch(batch) }
        if let benchReads { return try ReadBenchmark(path: input!, runs: benchReads).run() }
        do {
            try convert(URL(fileURLWithPath: input!), URL(fileURLWithPath: output!))
        } catch let error as ONNXProtobufError {
            var failure = CommandFailure.from(error)
            failure.verbose = verbose
            throw failure
        }
    }

    func convert(_ inURL: URL, _ outURL: URL) throws {
        let loading = ProgressBar("reading \(inURL.lastPathComponent)")
        var reader = ModelReader()
        reader.loadExternalData = false
        reader.verifyChecksums = !skipChecksum
        reader.progress = loading.update
        var model = try reader.read(contentsOf: inURL)
        let hadExternal = ModelReader.hasExternalData(model)
        try reader.resolveExternalData(in: &model, baseDirectory: inURL.deletingLastPathComponent())
        loading.finish()

        var writer = ModelWriter()
        if inline {
            writer.externalData = .inline
        } else if let externalData {
            writer.externalData = .move(file: externalData, sizeThreshold: sizeThreshold ?? Self.defaultThreshold)
        } else if hadExternal {
            writer.externalData = .move(file: outURL.lastPathComponent + ".data", sizeThreshold: Self.defaultThreshold)
        }
        let writing = ProgressBar("writing \(outURL.lastPathComponent)")
        writer.progress = writing.update
        defer { writing.finish() }
        try writer.write(model, to: outURL)
    }

    /// Many round trips in one process (the conformance tests convert ~3,000 files).
    func runBatch(_ listPath: String) throws {
        let list: String
        do { list = try String(contentsOfFile: listPath, encoding: .utf8) } catch {
            throw CommandFailure.usage("cannot read \(listPath): \(error.localizedDescription)")
        }
        var failures = 0
        var count = 0
        for line in list.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            count += 1
            do {
                if parts[0].hasSuffix(".pb") {
                    try TensorProtoFile.write(TensorProtoFile.read(contentsOf: URL(fileURLWithPath: parts[0])),
                                              to: URL(fileURLWithPath: parts[1]))
                } else {
                    let model = try ModelReader().read(contentsOf: URL(fileURLWithPath: parts[0]))
                    try ModelWriter().write(model, to: URL(fileURLWithPath: parts[1]))
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("\(parts[0]): \(error)\n".utf8))
            }
        }
        print("converted \(count - failures) of \(count)")
        if failures > 0 { throw ExitCode(1) }
    }
}
