import BlockMapper
import Blocks
import Foundation

/// Reading a JSON spec file for `verify` and `build`: every failure is a usage error (exit 2)
/// naming the file, never a Foundation error code.
enum SpecFile {
    static func read(_ path: String) throws -> JSONValue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure.usage("spec \(path): no such file")
        }
        if isDirectory.boolValue { throw CommandFailure.usage("spec \(path): is a folder, not a JSON file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.usage("spec \(path): cannot be read")
        }
        do { return try JSONValue.parse(data) } catch {
            throw CommandFailure.usage("spec \(path): not valid JSON")
        }
    }
}
