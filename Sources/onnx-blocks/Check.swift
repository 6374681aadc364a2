import ArgumentParser
import Foundation
import ONNXIR
import ONNXProtobuf

/// `onnx-blocks check MODEL`: structural validation (`ModelChecker`). Prints every issue,
/// one per line naming graph, node and field. Exit 0 valid (warnings allowed), 1 invalid,
/// 2 when the file cannot be read or the arguments are wrong.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a model's structure and operators (SSA, opsets, IR rules, tensors, schemas, shapes).",
        discussion: """
            Rules follow onnx.checker.check_model(full_check=True): structure, then operator \
            schemas of the default domain (arity, required inputs, attribute names, types and \
            ranges) and type/shape inference over the main graph. Operators the schema table \
            does not know are reported as warnings. Tensors in external files are located, \
            read and their SHA-1 checksums verified unless --skip-external-data is given.
            Exit 0 valid, 1 invalid model, 2 unreadable file or bad arguments.

            Example:
              onnx-blocks check model.onnx --json
            """
    )

    @Argument(help: "The .onnx file.") var model: String
    @Flag(help: "Print one JSON object: {valid, errors, warnings, issues: [...]}.") var json = false
    @Flag(help: "Do not open external data files.") var skipExternalData = false
    @Flag(help: "Do not verify the SHA-1 'checksum' of external data files.") var skipChecksum = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        var loaded = try ModelLoading.read(model, loadExternalData: false, verbose: common.verbose)
        var issues = ModelChecker().check(loaded)
        if issues.isValid && !skipExternalData && ModelReader.hasExternalData(loaded) {
            issues += externalDataIssues(&loaded)
        }
        report(issues)
        if !issues.isValid { throw ExitCode(1) }
    }

    /// Loads external tensors; a refused or unreadable location makes the model invalid.
    private func externalDataIssues(_ loaded: inout Model) -> [CheckIssue] {
        let folder = URL(fileURLWithPath: model).deletingLastPathComponent()
        do {
            var reader = ModelReader()
            reader.verifyChecksums = !skipChecksum
            try reader.resolveExternalData(in: &loaded, baseDirectory: folder)
            return []
        } catch {
            return [CheckIssue(.error, .tensorData, path: [], field: "external data", message: "\(error)")]
        }
    }

    private func report(_ issues: [CheckIssue]) {
        let errors = issues.errors.count, warnings = issues.warnings.count
        if json {
            let object: OrderedJSON = .object([
                ("model", .string(model)),
                ("valid", .bool(issues.isValid)),
                ("errors", .int(Int64(errors))),
                ("warnings", .int(Int64(warnings))),
                ("issues", .array(issues.map(\.json))),
            ])
            print(object.rendered(indent: 2))
            return
        }
        for issue in issues { print(issue) }
        let counts = "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        if issues.isValid {
            print("\(model): valid (\(counts))")
        } else {
            FileHandle.standardError.write(Data("error: \(model) is invalid (\(counts))\n".utf8))
        }
    }
}

extension CheckIssue {
    var json: OrderedJSON {
        .object([
            ("severity", .string(severity.rawValue)),
            ("rule", .string(rule.rawValue)),
            ("location", .string(location)),
            ("node", .optional(node)),
            ("field", .optional(field)),
            ("message", .string(message)),
        ])
    }
}
