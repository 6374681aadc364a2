import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks verify MODEL (--expect SPEC.json | --expect-arch NAME)`: fails (exit 1) with
/// one line per differing block or stage when the model's block structure differs from the spec.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a model's block structure against a spec or a known architecture.",
        discussion: """
            A spec follows schemas/structure-spec-v1.schema.json: the JSON 'blocks --json' prints \
            (fields left out of a block are not compared) or a compact form with 'stages'. Unknown \
            keys, and a spec that constrains no structure, are refused. Blocks are aligned by \
            structure; names are compared only with --compare-names.
            Known architectures: \(KnownArchitectures.names.joined(separator: ", ")).
            Exit 0 when the structure matches, 1 when it differs or the model is invalid, 2 for an \
            unreadable model or spec, a bad spec or bad arguments.

            Examples:
              onnx-blocks verify resnet50.onnx --expect-arch resnet50
              onnx-blocks blocks good.onnx --json > spec.json
              onnx-blocks verify new.onnx --expect spec.json --junit report.xml --format github
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, github, json
    }

    @Argument(help: "The ONNX model.") var model: String
    @Option(help: "A spec file (full or compact JSON).") var expect: String?
    @Option(name: .customLong("expect-arch"), help: "A known architecture's spec.") var expectArch: String?
    @Option(help: "Also write a JUnit XML report to this file.") var junit: String?
    @Option(help: "Output: text, github (workflow annotations) or json.") var format: Format = .text
    @Flag(help: "Same as --format json.") var json = false
    @Flag(name: .customLong("compare-names"), help: "Also compare block names (exports name blocks differently).")
    var compareNames = false

    func validate() throws {
        if (expect == nil) == (expectArch == nil) {
            throw ValidationError("give exactly one of --expect SPEC.json and --expect-arch NAME")
        }
        if let arch = expectArch, KnownArchitectures.specs[arch] == nil {
            let hint = SpecSchema.nearest(to: arch, in: KnownArchitectures.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw ValidationError("unknown architecture '\(arch)'\(hint); known: \(KnownArchitectures.names.joined(separator: ", "))")
        }
        if json && format != .text && format != .json { throw ValidationError("--json and --format \(format.rawValue) disagree") }
    }

    func run() throws {
        let label = expect.map { "spec \($0)" } ?? "--expect-arch \(expectArch!)"
        let spec = try expectArch.map { KnownArchitectures.specs[$0]! } ?? SpecFile.read(expect!)
        do { try SpecSchema.validate(spec) } catch let e as StructureSpec.InvalidSpec {
            throw CommandFailure.usage("\(label): \(e.description)")
        }
        let recognition = try MappedModel.recognize(path: model)
        let document = StructureDocument.make(recognition)
        let checks = try StructureSpec.check(document, against: spec, compareNames: compareNames)
        let failures = checks.filter { !$0.passed }
        if let junit {
            let xml = JUnitReport(suite: "onnx-blocks verify \((model as NSString).lastPathComponent)", checks: checks).render()
            do { try AtomicText.write(xml, to: junit) } catch {
                throw CommandFailure.usage("cannot write \(junit): \(error.localizedDescription)")
            }
        }
        let count = StructureDocument.countPhrase(bodyBlocks: recognition.network.blocks.count, hasHead: recognition.network.head != nil)
        print(VerifyReport(model: model, checks: checks, bodyBlocks: recognition.network.blocks.count, blockCount: count)
            .render(json ? .json : format))
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
