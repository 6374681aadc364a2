import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// Fixture folders found from this file's path (`fixtures/<name>/model.onnx` + `expected_blocks.json`).
enum FixtureSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")

    static var names: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("model.onnx").path) }.sorted()
    }

    static func model(_ name: String) throws -> Model {
        try ModelReader().read(contentsOf: root.appendingPathComponent(name).appendingPathComponent("model.onnx"))
    }

    static func expected(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: root.appendingPathComponent(name).appendingPathComponent("expected_blocks.json")))
    }
}
