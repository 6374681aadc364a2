import Blocks
import Foundation

/// JSON output with object keys kept in insertion order (readable, stable output) and exact
/// 64-bit integers (`Blocks.JSONValue` sorts keys and stores numbers as Double),
/// written compactly or pretty-printed. Shared by the subcommands' `--json` modes.
indirect enum OrderedJSON: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.rendered() == b.rendered() }

    static func optional(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }
    static func optional(_ value: Int64?) -> OrderedJSON { value.map(OrderedJSON.int) ?? .null }

    /// The JSON text; `indent` > 0 pretty-prints.
    func rendered(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = { (n: Int) in String(repeating: " ", count: indent * n) }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            for (k, item) in items.enumerated() {
                out += pad(level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
                out += (k + 1 < items.count ? "," : "") + newline
            }
            out += pad(level) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (k, (key, value)) in members.enumerated() {
                out += pad(level + 1)
                Self.writeString(key, to: &out)
                out += indent > 0 ? ": " : ":"
                value.write(to: &out, indent: indent, level: level + 1)
                out += (k + 1 < members.count ? "," : "") + newline
            }
            out += pad(level) + "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += JSONValue.quote(s)
    }
}
