import Foundation

/// A JSON value: the block vocabulary's interchange form (`blocks --json`, specs, fixtures).
public indirect enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var intValue: Int? { numberValue.map { Int($0) } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }

    /// Parses UTF-8 JSON text.
    public static func parse(_ data: Data) throws -> JSONValue {
        let any = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return try JSONValue(any: any)
    }

    /// A Foundation JSON value with no `JSONValue` counterpart, named in the description.
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public var description: String
    }

    init(any: Any) throws {
        switch any {
        case is NSNull: self = .null
        case let n as NSNumber:
            // NSNumber bridges both Bool and numbers; the ObjC type code tells them apart.
            if String(cString: n.objCType) == "c" { self = .bool(n.boolValue) } else { self = .number(n.doubleValue) }
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(try a.map(JSONValue.init(any:)))
        case let o as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (k, v) in o { out[k] = try JSONValue(any: v) }
            self = .object(out)
        default: throw UnsupportedValue(description: "unsupported JSON value \(type(of: any))")
        }
    }

    /// Compact single-line text.
    public var description: String { rendered(indent: nil, level: 0) }

    /// Pretty text, two-space indents; objects list `kind`, `variant`, `name` first, then sorted keys.
    public func pretty() -> String { rendered(indent: "  ", level: 0) }

    static let leadingKeys = ["family", "kind", "variant", "name"]

    func rendered(indent: String?, level: Int) -> String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return n.isFinite ? "\(n)" : "null"
        case .string(let s): return JSONValue.quote(s)
        case .array(let a):
            if a.isEmpty { return "[]" }
            // Short arrays of scalars stay on one line.
            let scalar = a.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            if indent == nil || scalar {
                return "[" + a.map { $0.rendered(indent: nil, level: 0) }.joined(separator: ", ") + "]"
            }
            let pad = String(repeating: indent!, count: level + 1)
            let inner = a.map { pad + $0.rendered(indent: indent, level: level + 1) }.joined(separator: ",\n")
            return "[\n" + inner + "\n" + String(repeating: indent!, count: level) + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            let keys = JSONValue.leadingKeys.filter { o[$0] != nil } + o.keys.filter { !JSONValue.leadingKeys.contains($0) }.sorted()
            guard let indent else {
                return "{" + keys.map { JSONValue.quote($0) + ": " + o[$0]!.rendered(indent: nil, level: 0) }.joined(separator: ", ") + "}"
            }
            let pad = String(repeating: indent, count: level + 1)
            let inner = keys.map { pad + JSONValue.quote($0) + ": " + o[$0]!.rendered(indent: indent, level: level + 1) }.joined(separator: ",\n")
            return "{\n" + inner + "\n" + String(repeating: indent, count: level) + "}"
        }
    }

    /// `s` as a JSON string literal (quotes, escapes; other control characters as `\uXXXX`).
    /// Also the string writer of the CLI's `OrderedJSON`.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
