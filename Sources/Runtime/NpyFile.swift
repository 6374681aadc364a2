import Foundation
import ONNXIR

/// NumPy `.npy` files (format versions 1-3, C order, little-endian) for the runtime's element
/// types: `<f4`, `<i4`, `<i8`, `|b1`. Anything else is refused with a reason, never guessed.
public enum NpyFile {
    /// Why a .npy file could not be read or written, with the path.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case malformed(path: String, reason: String)
        case unsupported(path: String, reason: String)

        public var description: String {
            switch self {
            case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
            case let .malformed(path, reason): return "\(path): not a valid .npy file (\(reason))"
            case let .unsupported(path, reason): return "\(path): \(reason)"
            }
        }
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    public static func read(contentsOf url: URL) throws -> TensorValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Failure.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, path: url.path)
    }

    public static func decode(_ data: Data, path: String = "<data>") throws -> TensorValue {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw Failure.malformed(path: path, reason: "missing the \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Failure.malformed(path: path, reason: "truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default: throw Failure.unsupported(path: path, reason: "format version \(major) is not supported")
        }
        guard headerLength <= 1 << 20, data.count >= headerStart + headerLength else { throw Failure.malformed(path: path, reason: "truncated header") }
        let header = String(decoding: data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)), as: UTF8.self)
        guard let descr = field(header, "descr").map(unquote) else { throw Failure.malformed(path: path, reason: "header has no 'descr'") }
        guard let order = field(header, "fortran_order") else { throw Failure.malformed(path: path, reason: "header has no 'fortran_order'") }
        guard order.hasPrefix("False") else { throw Failure.unsupported(path: path, reason: "Fortran-ordered arrays are not supported") }
        guard let shapeText = field(header, "shape"), shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else {
            throw Failure.malformed(path: path, reason: "header has no 'shape'")
        }
        var shape: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let d = Int(t), d >= 0 else { throw Failure.malformed(path: path, reason: "bad dimension '\(t)' in shape") }
            shape.append(d)
        }
        let type: ElementType
        switch descr {
        case "<f4": type = .float
        case "<i4": type = .int32
        case "<i8": type = .int64
        case "|b1", "<b1": type = .bool
        default: throw Failure.unsupported(path: path, reason: "dtype '\(descr)' is not supported (float32, int32, int64, bool)")
        }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= 1 << 34 else { throw Failure.malformed(path: path, reason: "shape \(shape) is too large") }
            count = p
        }
        let byteCount = count * TensorValue.byteWidth(type)
        let payload = headerStart + headerLength
        guard data.count - payload == byteCount else {
            throw Failure.malformed(path: path, reason: "shape \(shape) needs \(byteCount) data bytes, the file holds \(data.count - payload)")
        }
        let value = TensorValue(shape: shape, elementType: type)
        data.withUnsafeBytes { raw in
            if byteCount > 0 { value.raw.copyMemory(from: raw.baseAddress! + payload, byteCount: byteCount) }
        }
        return value
    }

    public static func encode(_ value: TensorValue) -> Data {
        let descr: String
        switch value.elementType {
        case .int32: descr = "<i4"
        case .int64: descr = "<i8"
        case .bool: descr = "|b1"
        default: descr = "<f4"
        }
        let shape = value.shape.isEmpty ? "()" : value.shape.count == 1 ? "(\(value.shape[0]),)" : "(" + value.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        // Pad so the data starts on a 64-byte boundary; the header ends with a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        data.append(Data(bytes: value.raw, count: value.byteCount))
        return data
    }

    /// Writes atomically (temporary file, then rename): no half-written output on failure.
    public static func write(_ value: TensorValue, to url: URL) throws {
        try encode(value).write(to: url, options: .atomic)
    }

    private static func field(_ header: String, _ key: String) -> String? {
        for quote in ["'", "\""] {
            if let r = header.range(of: "\(quote)\(key)\(quote)") {
                var rest = header[r.upperBound...].drop { $0 == " " }
                guard rest.first == ":" else { continue }
                rest = rest.dropFirst().drop { $0 == " " }
                return String(rest)
            }
        }
        return nil
    }

    private static func unquote(_ s: String) -> String {
        guard let q = s.first, q == "'" || q == "\"" else { return s }
        let body = s.dropFirst()
        return String(body.prefix { $0 != q })
    }
}
