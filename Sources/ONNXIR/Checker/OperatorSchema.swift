import Foundation

/// One version of an operator's contract, as the ONNX spec defines it: formal inputs and
/// outputs (single, optional, variadic; each with a type variable or a fixed type), attribute
/// names and types, and the element types each type variable admits.
///
/// The table is generated from the `onnx` package (`OperatorSchemaTable.swift`, see
/// `tools/make_operator_schemas.py`) for the CNN operator set; value ranges
/// (`OperatorSchema+Ranges.swift`) and shape inference (`Shapes/`) are written here.
public struct OperatorSchema: Sendable {
    public enum Option: Character, Sendable { case single = "1", optional = "?", variadic = "*" }

    /// A formal input or output: its spec name, option and type (`"T"` or `"tensor(int64)"`).
    public struct Formal: Sendable {
        public var name: String
        public var option: Option
        public var typeString: String
    }

    public struct AttributeSpec: Sendable {
        public var type: AttributeType
        public var required: Bool
    }

    public var op: String
    /// The opset version this definition starts at (valid until the next one).
    public var since: Int
    public var inputCount: ClosedRange<Int>
    public var outputCount: ClosedRange<Int>
    public var inputs: [Formal]
    public var outputs: [Formal]
    public var attributes: [String: AttributeSpec]
    /// Allowed element types per type variable.
    public var typeConstraints: [String: Set<ElementType>]

    /// The definition of `op` in effect at `opset` (default domain), nil when the table does
    /// not know the operator or the opset predates it.
    public static func lookup(_ op: String, opset: Int) -> OperatorSchema? {
        table[op]?.last { $0.since <= opset }
    }

    /// Whether the detailed table knows `op` at any version.
    public static func knows(_ op: String) -> Bool { table[op] != nil }

    /// Where `op` stands in the default domain at `opset`, for operators in or outside the
    /// detailed table (every ONNX operator's versions are listed).
    public enum Standing: Sendable, Equatable {
        case defined
        /// No version of `op` exists at this opset; it first appears at `firstVersion`.
        case notYetDefined(firstVersion: Int)
        /// The version in effect is deprecated (since `since`).
        case deprecated(since: Int)
        /// ONNX defines no operator of this name in the default domain.
        case undefined
    }

    public static func standing(_ op: String, opset: Int) -> Standing {
        guard let list = versions[op], let first = list.first else { return .undefined }
        guard let current = list.last(where: { $0.since <= opset }) else { return .notYetDefined(firstVersion: first.since) }
        return current.deprecated ? .deprecated(since: current.since) : .defined
    }

    static let versions: [String: [(since: Int, deprecated: Bool)]] = {
        var result: [String: [(since: Int, deprecated: Bool)]] = [:]
        for line in generatedVersions.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            result[String(parts[0])] = parts[1].split(separator: ",").compactMap { item in
                let deprecated = item.hasSuffix("d")
                return Int(deprecated ? item.dropLast() : item).map { ($0, deprecated) }
            }
        }
        return result
    }()

    /// Versions of each operator, oldest first.
    static let table: [String: [OperatorSchema]] = {
        var result: [String: [OperatorSchema]] = [:]
        for line in generatedText.split(separator: "\n") {
            guard let schema = OperatorSchema(line: line) else { continue }
            result[schema.op, default: []].append(schema)
        }
        return result
    }()

    /// Parses one generated line (format in `tools/make_operator_schemas.py`).
    init?(line: Substring) {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 8, let since = Int(fields[1]),
              let inputCount = Self.range(fields[2]), let outputCount = Self.range(fields[3]) else { return nil }
        op = fields[0]
        self.since = since
        self.inputCount = inputCount
        self.outputCount = outputCount
        inputs = Self.formals(fields[4])
        outputs = Self.formals(fields[5])
        attributes = [:]
        for item in fields[6].split(separator: ",") {
            let parts = item.split(separator: ":").map(String.init)
            guard parts.count >= 2, let type = Self.attributeTypes[parts[1]] else { continue }
            attributes[parts[0]] = AttributeSpec(type: type, required: parts.count > 2)
        }
        typeConstraints = [:]
        for item in fields[7].split(separator: ";") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            typeConstraints[parts[0]] = Set(parts[1].split(separator: " ").compactMap { ElementType(name: String($0)) })
        }
    }

    private static func range(_ text: String) -> ClosedRange<Int>? {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]), lo <= hi else { return nil }
        return lo...hi
    }

    private static func formals(_ text: String) -> [Formal] {
        text.split(separator: ",").compactMap { item in
            let parts = item.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, let option = parts[1].first.flatMap(Option.init(rawValue:)) else { return nil }
            return Formal(name: parts[0], option: option, typeString: parts[2])
        }
    }

    private static let attributeTypes: [String: AttributeType] = [
        "FLOAT": .float, "INT": .int, "STRING": .string, "TENSOR": .tensor, "GRAPH": .graph,
        "FLOATS": .floats, "INTS": .ints, "STRINGS": .strings, "TENSORS": .tensors, "GRAPHS": .graphs,
        "SPARSE_TENSOR": .sparseTensor, "SPARSE_TENSORS": .sparseTensors,
        "TYPE_PROTO": .typeProto, "TYPE_PROTOS": .typeProtos,
    ]

    /// The formal parameter that actual input `k` binds to (the last one when variadic).
    public func formalInput(_ k: Int) -> Formal? {
        k < inputs.count ? inputs[k] : (inputs.last?.option == .variadic ? inputs.last : nil)
    }

    public func formalOutput(_ k: Int) -> Formal? {
        k < outputs.count ? outputs[k] : (outputs.last?.option == .variadic ? outputs.last : nil)
    }
}
