/// One finding of `ModelChecker`: what is wrong, where (graph, node, field), and how bad.
///
/// `description` is one readable line, e.g.
/// `error: graph 'main' > node 'conv1' (Conv) > input[1] 'W': not defined [undefined-input]`.
public struct CheckIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable, Comparable {
        /// The model violates the ONNX IR spec; `onnx-blocks check` exits 1.
        case error
        /// Legal but suspicious or newer than the declared IR version; reported, not fatal.
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    public var rule: CheckRule
    /// Path from the model down to the offending element: `["graph 'main'", "node 'conv1' (Conv)"]`.
    public var path: [String]
    /// Display name of the innermost node involved (`Node.displayName`), if any.
    public var node: String?
    /// The field inside that element: `"input[1] 'W'"`, `"attribute 'alpha'"`, `"ir_version"`.
    public var field: String?
    public var message: String

    public init(_ severity: Severity, _ rule: CheckRule, path: [String], node: String? = nil,
                field: String? = nil, message: String) {
        self.severity = severity
        self.rule = rule
        self.path = path
        self.node = node
        self.field = field
        self.message = message
    }

    /// Where, as one string: `graph 'main' > node 'conv1' (Conv) > input[1] 'W'`.
    public var location: String {
        (path + (field.map { [$0] } ?? [])).joined(separator: " > ")
    }

    public var description: String {
        let place = location.isEmpty ? "model" : location
        return "\(severity.rawValue): \(place): \(message) [\(rule.rawValue)]"
    }
}

/// The rule a `CheckIssue` comes from (stable identifiers, used in tests and JSON output).
public enum CheckRule: String, Sendable, Equatable, CaseIterable {
    case irVersion = "ir-version"
    case opsetImport = "opset-import"
    case metadata = "metadata"
    case graphName = "graph-name"
    case valueInfo = "value-info"
    case initializer = "initializer"
    case sparseInitializer = "sparse-initializer"
    case ssa = "ssa"
    case undefinedInput = "undefined-input"
    case topologicalOrder = "topological-order"
    case graphOutput = "graph-output"
    case node = "node"
    case attribute = "attribute"
    case tensorData = "tensor-data"
    case function = "function"
    /// Operator schema: arity, required inputs, attribute names/types/ranges.
    case schema = "schema"
    /// Types and shapes: type constraints, shape inference, declared vs inferred shapes.
    case shapeInference = "shape-inference"
    case featureVersion = "feature-version"
}

extension Array where Element == CheckIssue {
    public var errors: [CheckIssue] { filter { $0.severity == .error } }
    public var warnings: [CheckIssue] { filter { $0.severity == .warning } }
    /// True when no issue is an error (warnings do not make a model invalid).
    public var isValid: Bool { !contains { $0.severity == .error } }
}
