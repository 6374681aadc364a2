import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks diff A B`: block-level structural differences, aligned by structure.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the block structures of two models.",
        discussion: """
            Blocks are aligned stage by stage; each added (+), removed (-) or changed (~) block is \
            listed once, with every field that differs (widths, kernels, strides, groups, …). Names \
            are compared only with --compare-names.
            Exit 0 when the structures are equal, 1 when they differ or a model is invalid, 2 for an \
            unreadable model or bad arguments.

            Example:
              onnx-blocks diff resnet50.onnx resnet101.onnx
            """
    )

    @Argument(help: "The first model.") var a: String
    @Argument(help: "The second model.") var b: String
    @Flag(help: "Print the differences as JSON.") var json = false
    @Flag(name: .customLong("compare-names"), help: "Also compare block names.") var compareNames = false

    func run() throws {
        let left = StructureDocument.make(try MappedModel.recognize(path: a))
        let right = StructureDocument.make(try MappedModel.recognize(path: b))
        let diff = StructureDiff(left, right, compareNames: compareNames)
        if json {
            print(diff.document.pretty())
        } else if diff.isEmpty {
            let hasHead = left["blocks"]?.arrayValue?.contains { $0["kind"]?.stringValue == "head" } ?? false
            print("same structure: \(StructureDocument.countPhrase(bodyBlocks: diff.blockCounts.first, hasHead: hasHead))")
        } else {
            print("--- \(a)\n+++ \(b)")
            for line in diff.lines { print(line) }
            print(Self.summary(diff))
        }
        if !diff.isEmpty { throw ExitCode(1) }
    }

    /// `# 17 added, 0 removed, 0 changed; 16 → 33 blocks; parameters 25.6M → 44.5M`.
    static func summary(_ diff: StructureDiff) -> String {
        var added = 0, removed = 0, changed = 0
        for change in diff.changes {
            switch change {
            case .added: added += 1
            case .removed: removed += 1
            case .changed: changed += 1
            case .model: break
            }
        }
        var text = "# \(added) added, \(removed) removed, \(changed) changed; \(diff.blockCounts.first) → \(diff.blockCounts.second) blocks"
        if let p = diff.totals.first?["parameters"]?.intValue, let q = diff.totals.second?["parameters"]?.intValue, p != q {
            text += "; parameters \(BlockTree.count(p)) → \(BlockTree.count(q))"
        }
        return text
    }
}
