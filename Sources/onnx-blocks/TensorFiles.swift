import ArgumentParser
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

/// Reading and writing tensors as `.npy` or TensorProto `.pb` files for the runtime commands.
enum TensorFiles {
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case npy, pb
    }

    /// A tensor from `.npy` or a TensorProto `.pb`.
    static func read(_ path: String) throws -> TensorValue { try readNamed(path).value }

    /// The tensor and, for `.pb`, the name it carries ("" when none).
    static func readNamed(_ path: String) throws -> (name: String, value: TensorValue) {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure.usage("\(path): no such file") }
        do {
            if url.pathExtension.lowercased() == "npy" { return ("", try NpyFile.read(contentsOf: url)) }
            let tensor = try TensorProtoFile.read(contentsOf: url)
            return (tensor.name ?? "", try TensorValue(tensor))
        } catch let e as NpyFile.Failure {
            throw CommandFailure.usage(e.description)
        } catch let e as ONNXProtobufError {
            throw CommandFailure.from(e)
        } catch let e as RuntimeError {
            throw CommandFailure.usage("\(path): \(e)")
        }
    }

    /// The file name for a tensor: characters outside `[A-Za-z0-9._-]` become `_`.
    static func fileName(for tensor: String, format: Format) -> String {
        var name = String(tensor.unicodeScalars.map { s -> Character in
            let ok = (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "." || s == "_" || s == "-"
            return ok ? Character(s) : "_"
        })
        if name.isEmpty || name == "." || name == ".." { name = "_" + name }
        return name + "." + format.rawValue
    }

    /// Writes atomically (no half-written file on failure).
    static func write(_ value: TensorValue, name: String, to url: URL, format: Format) throws {
        do {
            switch format {
            case .npy: try NpyFile.write(value, to: url)
            case .pb: try TensorProtoFile.write(value.tensor(named: name), to: url)
            }
        } catch let e as ONNXProtobufError {
            throw CommandFailure.from(e)
        } catch {
            throw CommandFailure.usage("\(url.path): cannot write (\(error.localizedDescription))")
        }
    }

    /// input_K and output_K (.pb or .npy) in K order.
    static func referenceFolder(_ folder: String) throws -> (inputs: [URL], outputs: [URL]) {
        let url = URL(fileURLWithPath: folder)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw CommandFailure.usage("\(folder): cannot list the folder")
        }
        func numbered(_ prefix: String) -> [URL] {
            entries.compactMap { e -> (Int, URL)? in
                let ext = (e as NSString).pathExtension.lowercased()
                guard e.hasPrefix(prefix), ext == "pb" || ext == "npy",
                      let k = Int((e as NSString).deletingPathExtension.dropFirst(prefix.count)) else { return nil }
                return (k, url.appendingPathComponent(e))
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return (numbered("input_"), numbered("output_"))
    }
}
