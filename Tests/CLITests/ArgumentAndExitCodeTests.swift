import ArgumentParser
import ONNXIR
import ONNXProtobuf
import Testing
@testable import onnx_blocks

/// The CLI's contract without running the binary: which arguments parse, and which reader
/// errors map to which exit status (2 unreadable input or bad arguments, 1 invalid model).
@Suite struct ArgumentAndExitCodeTests {
    @Test(arguments: [
        ["verify", "m.onnx"],                                   // neither --expect nor --expect-arch
        ["verify", "m.onnx", "--expect", "s.json", "--expect-arch", "resnet50"],
        ["verify", "m.onnx", "--expect-arch", "resnet5"],
        ["verify", "m.onnx", "--expect-arch", "resnet50", "--json", "--format", "github"],
        ["diff", "a.onnx"],
        ["run", "m.onnx", "--threads", "0"],
        ["run", "m.onnx", "--threads", "1000000"],
        ["run", "m.onnx", "--input", "no-equals-sign"],
        ["run", "m.onnx", "--shape", "x=1xAx3"],
        ["compare", "a.onnx"],
        ["compare", "a.onnx", "--intermediates", "--reference", "dir"],
        ["compare", "a.onnx", "b.onnx", "--rtol", "-1"],
    ])
    func badArgumentsAreRefusedAtParsing(_ arguments: [String]) {
        do {
            _ = try OnnxBlocks.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            // main() maps every parse error except --help/--version (0) to exit 2.
            #expect(OnnxBlocks.exitCode(for: error).rawValue != 0, "\(arguments)")
        }
    }

    @Test(arguments: [
        ["verify", "m.onnx", "--expect-arch", "resnet50-v1.5", "--compare-names", "--junit", "r.xml"],
        ["verify", "m.onnx", "--expect", "s.json", "--json"],
        ["diff", "a.onnx", "b.onnx", "--json", "--compare-names"],
        ["run", "m.onnx", "--threads", "1", "--format", "pb", "--output-dir", "d"],
        ["compare", "a.onnx", "--reference", "dir"],
    ])
    func goodArgumentsParse(_ arguments: [String]) throws {
        _ = try OnnxBlocks.parseAsRoot(arguments)
    }

    @Test(arguments: [
        (ONNXProtobufError.io(file: "f", reason: "missing"), Int32(2)),
        (.malformed(file: "f", offset: 3, reason: "bad tag"), 2),
        (.unsupported(file: "f", offset: 3, reason: "group"), 2),
        (.nestingTooDeep(file: "f", offset: 3, limit: 64), 2),
        (.resourceLimit(file: "f", reason: "too big"), 2),
        (.externalData(tensor: "w", location: "../x", problem: .escapesModelFolder), 1),
        (.notEncodable(what: "w", reason: "size"), 1),
    ])
    func readerErrorsMapToTheDocumentedStatus(_ error: ONNXProtobufError, _ status: Int32) {
        #expect(CommandFailure.from(error).exitCode == status, "\(error)")
    }

    @Test func bytesThatAreNoONNXModelAreUnreadableInput() throws {
        #expect(throws: CommandFailure.self) { try CommandFailure.requireONNX(Model(), path: "notes.txt") }
        // IR version but no graph: an invalid model, which `check` reports (exit 1), not unreadable input.
        try CommandFailure.requireONNX(Model(irVersion: 8), path: "no-graph.onnx")
    }
}
