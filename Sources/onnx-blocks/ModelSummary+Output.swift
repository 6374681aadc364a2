import Foundation
import ONNXIR

/// `inspect`'s two renderings of a `ModelSummary`.
extension ModelSummary {
    var json: OrderedJSON {
        .object([
            ("irVersion", .optional(irVersion)),
            ("producerName", .optional(producerName)),
            ("producerVersion", .optional(producerVersion)),
            ("domain", .optional(domain)),
            ("modelVersion", .optional(modelVersion)),
            ("graphName", .optional(graphName)),
            ("opsetImports", .object(opsetImports.map { ($0.domain, .int($0.version)) })),
            ("inputs", .array(inputs.map(\.json))),
            ("outputs", .array(outputs.map(\.json))),
            ("nodeCount", .int(Int64(nodeCount))),
            ("subgraphNodeCount", .int(Int64(subgraphNodeCount))),
            ("opCounts", .object(sortedOpCounts.map { ($0.op, .int(Int64($0.count))) })),
            ("initializerCount", .int(Int64(initializerCount))),
            ("parameterCount", .int(Int64(parameterCount))),
            ("initializerBytes", .int(Int64(initializerBytes))),
            ("externalInitializerCount", .int(Int64(externalInitializerCount))),
            ("functionCount", .int(Int64(functionCount))),
        ])
    }

    /// Most frequent first, then by name.
    var sortedOpCounts: [(op: String, count: Int)] {
        opCounts.map { (op: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.op < $1.op }
    }

    func text(file: String) -> String {
        var lines: [(String, String)] = [("model", file)]
        let producer = [producerName, producerVersion].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        lines.append(("producer", producer.isEmpty ? "-" : producer))
        lines.append(("IR version", irVersion.map(String.init) ?? "missing"))
        lines.append(("opsets", opsetImports.isEmpty ? "-" : opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) \($0.version)" }.joined(separator: ", ")))
        let subgraphs = subgraphNodeCount > 0 ? ", \(Self.grouped(subgraphNodeCount)) more in subgraphs" : ""
        lines.append(("graph", "\(graphName ?? "-") (\(Self.grouped(nodeCount)) nodes\(subgraphs))"))
        let external = externalInitializerCount > 0 ? ", \(externalInitializerCount) external" : ""
        lines.append(("parameters", "\(Self.grouped(parameterCount)) in \(initializerCount) initializers (\(Self.bytes(initializerBytes))\(external))"))
        if functionCount > 0 { lines.append(("functions", "\(functionCount)")) }

        let keyWidth = lines.map(\.0.count).max() ?? 0
        var out = lines.map { $0.0.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
        for (title, values) in [("inputs", inputs), ("outputs", outputs)] {
            out += "\n\(title) (\(values.count))\n"
            out += Self.table(values.map { [$0.name, $0.elementType ?? $0.typeDescription, $0.shapeText] })
        }
        out += "\nops (\(opCounts.count) types)\n"
        out += Self.table(sortedOpCounts.map { [$0.op, String($0.count)] }, rightAligned: [1])
        return out
    }

    /// Rows padded into columns, indented by two spaces.
    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let columns = rows.map(\.count).max() else { return "  -\n" }
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : (c + 1 == row.count ? cell : cell + pad)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (k, d) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(n) / 1024
        var unit = 0
        while value >= 1024 && unit + 1 < units.count { value /= 1024; unit += 1 }
        return String(format: "%.1f %@", value, units[unit])
    }
}

extension ValueSummary {
    var json: OrderedJSON {
        .object([
            ("name", .string(name)),
            ("elementType", .optional(elementType)),
            ("shape", shape.map { .array($0.map(Self.dimJSON)) } ?? .null),
            ("type", .string(typeDescription)),
        ])
    }

    static func dimJSON(_ dim: ONNXIR.Dimension.Value?) -> OrderedJSON {
        switch dim {
        case .value(let v)?: return .int(v)
        case .param(let p)?: return .string(p)
        case nil: return .null
        }
    }

    /// `[N, 224, 224, 3]`; `?` for unknown dims; `(no shape)` when the rank is unknown.
    var shapeText: String {
        guard let shape else { return "(no shape)" }
        return "[" + shape.map { dim -> String in
            switch dim {
            case .value(let v)?: return String(v)
            case .param(let p)?: return p
            case nil: return "?"
            }
        }.joined(separator: ", ") + "]"
    }
}
