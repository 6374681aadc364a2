import ArgumentParser
import BlockMapper
import Blocks
import Foundation

/// `onnx-blocks diff A B`: block-level structural differences (added, removed, changed blocks).
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the block structures of two models.",
        discussion: "Exit 0 when the structures are equal, 1 when they differ, 2 on I/O errors."
    )

    @Argument(help: "The first model.") var a: String
    @Argument(help: "The second model.") var b: String
    @Flag(help: "Print the differences as JSON.") var json = false

    func run() throws {
        let left = try MappedModel.recognize(path: a).describe()
        let right = try MappedModel.recognize(path: b).describe()
        let changes = BlockDiff.compare(left, right)
        if json {
            print(JSONValue.array(changes.map { .string($0) }).pretty())
        } else if changes.isEmpty {
            print("same structure: \(left["blocks"]?.arrayValue?.count ?? 0) blocks")
        } else {
            print("--- \(a)\n+++ \(b)")
            for c in changes { print(c) }
        }
        if !changes.isEmpty { throw ExitCode(1) }
    }
}
