import ArgumentParser
import Foundation
import Runtime

/// Options shared by `run`, `compare` and `bench`: where inputs come from, symbolic-shape
/// overrides, threads.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("input"), help: ArgumentHelp("An input tensor from a .npy or TensorProto .pb file.", valueName: "NAME=PATH"))
    var inputs: [String] = []

    @Flag(name: .customLong("random-input"), help: "Inputs not given are generated (uniform in [-1, 1), seeded); this flag only silences the note saying so.")
    var randomInput = false

    @Option(help: "Seed for generated inputs.") var seed: UInt64 = 0

    @Option(name: .customLong("shape"), help: ArgumentHelp("Shape of a generated input (binds its symbolic dims).", valueName: "NAME=AxBxC"))
    var shapes: [String] = []

    @Option(help: "Worker threads, 1 to 4 × the cores (default: every core).") var threads: Int?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Memory budget for tensors, in bytes or with a K/M/G suffix (default: the machine's memory). A node whose output would exceed it is refused before allocation.",
        valueName: "SIZE"))
    var maxMemory: String?

    /// Session options from these flags.
    func sessionOptions(outputs: [String]? = nil) throws -> SessionOptions {
        SessionOptions(threads: threads, outputs: outputs, maxMemory: try maxMemoryBytes())
    }

    /// `--max-memory` in bytes (nil: the default).
    func maxMemoryBytes() throws -> Int? {
        guard let text = maxMemory else { return nil }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var scale = 1
        if let last = text.uppercased().last, let unit = units[last] { scale = unit; digits = digits.dropLast() }
        guard let n = Int(digits), n > 0, case let (bytes, overflow) = n.multipliedReportingOverflow(by: scale), !overflow else {
            throw ValidationError("--max-memory expects a positive size like 4000000000 or 8G, got '\(text)'")
        }
        return bytes
    }

    func validate() throws {
        for i in inputs where !i.contains("=") { throw ValidationError("--input expects NAME=PATH, got '\(i)'") }
        if let t = threads {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            guard (1...cores * 4).contains(t) else { throw ValidationError("--threads must be in 1...\(cores * 4) (this machine has \(cores) cores), got \(t)") }
            if t > cores {
                FileHandle.standardError.write(Data("warning: --threads \(t) is more than the \(cores) cores; threads will share cores\n".utf8))
            }
        }
        _ = try maxMemoryBytes()
        _ = try shapeOverrides()
    }

    /// `--input` pairs, by name.
    func inputPaths() throws -> [(name: String, path: String)] {
        try inputs.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--input expects NAME=PATH, got '\(pair)'") }
            return (parts[0], parts[1])
        }
    }

    /// `--shape` overrides, by name.
    func shapeOverrides() throws -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for pair in shapes {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--shape expects NAME=AxBxC, got '\(pair)'") }
            let dims = parts[1].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw ValidationError("--shape \(parts[0]): '\(parts[1])' is not a shape like 1x224x224x3")
            }
            result[parts[0]] = dims.map { $0! }
        }
        return result
    }
}
