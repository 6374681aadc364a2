import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks verify MODEL (--expect SPEC.json | --expect-arch NAME)`: fails (exit 1) with a
/// readable diff when the model's block structure differs from the spec. For CI.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a model's block structure against a spec or a known architecture.",
        discussion: """
            A spec is the JSON 'blocks --json' prints (fields left out are not compared) or a compact \
            form: {"family": "resnet", "stages": [3, 4, 6, 3], "variant": "bottleneck"} or stages of \
            {"kind", "variant", "count"}. Known architectures: \(KnownArchitectures.names.joined(separator: ", ")).
            Exit 0 when the structure matches, 1 when it does not, 2 on usage or I/O errors.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, github, json
    }

    @Argument(help: "The ONNX model.") var model: String
    @Option(help: "A spec file (full or compact JSON).") var expect: String?
    @Option(name: .customLong("expect-arch"), help: "A known architecture's spec.") var expectArch: String?
    @Option(help: "Also write a JUnit XML report here.") var junit: String?
    @Option(help: "Output: text, github (workflow annotations) or json.") var format: Format = .text

    func validate() throws {
        if (expect == nil) == (expectArch == nil) {
            throw ValidationError("give exactly one of --expect SPEC.json and --expect-arch NAME")
        }
        if let arch = expectArch, KnownArchitectures.specs[arch] == nil {
            throw ValidationError("unknown architecture '\(arch)'; known: \(KnownArchitectures.names.joined(separator: ", "))")
        }
    }

    func loadSpec() throws -> JSONValue {
        if let arch = expectArch { return KnownArchitectures.specs[arch]! }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: expect!)) } catch {
            throw CommandFailure.usage("cannot read spec \(expect!): \(error.localizedDescription)")
        }
        do { return try JSONValue.parse(data) } catch {
            throw CommandFailure.usage("spec \(expect!) is not valid JSON: \(error.localizedDescription)")
        }
    }

    func run() throws {
        let spec = try loadSpec()
        let recognition = try MappedModel.recognize(path: model)
        let checks: [StructureCheck]
        do { checks = try StructureSpec.check(recognition.describe(), against: spec) } catch let e as StructureSpec.InvalidSpec {
            throw CommandFailure.usage("spec \(expect ?? expectArch ?? ""): \(e.description)")
        }
        let failures = checks.filter { !$0.passed }
        if let junit {
            let xml = JUnitReport(suite: "onnx-blocks verify \((model as NSString).lastPathComponent)", checks: checks).render()
            do { try AtomicText.write(xml, to: junit) } catch {
                throw CommandFailure.usage("cannot write \(junit): \(error.localizedDescription)")
            }
        }
        switch format {
        case .text:
            if failures.isEmpty {
                print("ok: \(model) matches (\(checks.count) checks, \(recognition.network.blocks.count) blocks)")
            } else {
                print("FAILED: \(model): \(failures.count) of \(checks.count) checks differ")
                for f in failures { print("  \(f.failure!)") }
            }
        case .github:
            for f in failures {
                print("::error file=\(Self.annotationEscape(model)),title=onnx-blocks verify::\(Self.messageEscape(f.failure!))")
            }
            if failures.isEmpty { print("::notice file=\(Self.annotationEscape(model)),title=onnx-blocks verify::structure matches (\(checks.count) checks)") }
        case .json:
            let doc: JSONValue = .object([
                "model": .string(model), "passed": .bool(failures.isEmpty), "checks": .int(checks.count),
                "failures": .array(failures.map { .object(["name": .string($0.name), "message": .string($0.failure!)]) }),
            ])
            print(doc.pretty())
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Workflow-command escaping of a message (`%`, CR, LF).
    static func messageEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Workflow-command escaping (`%`, CR, LF; and `,`/`:` in properties).
    static func annotationEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: ",", with: "%2C")
    }
}
