import Blocks

/// One field that differs between two block (or model) documents, by its path inside the
/// object: `outputChannels`, `layers[1].groups`, `stages[2].depth`.
public struct FieldDifference: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What the spec (or the first model) has; nil when it lacks the field.
    public var expected: JSONValue?
    /// What the model (or the second model) has; nil when it lacks the field.
    public var actual: JSONValue?
    /// Set for `{"anyOf": […]}` spec values: the alternatives, shown instead of `expected`.
    public var alternatives: [JSONValue]?

    public init(path: String, expected: JSONValue?, actual: JSONValue?, alternatives: [JSONValue]? = nil) {
        self.path = path
        self.expected = expected
        self.actual = actual
        self.alternatives = alternatives
    }

    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "none" }
        if case .string(let s) = value { return s }
        return value.description
    }

    /// `path 1 expected, 2 found` (the form `verify` prints).
    public var description: String {
        let wanted = alternatives.map { "one of " + $0.map { Self.show($0) }.joined(separator: " | ") } ?? Self.show(expected)
        return "\(path) \(wanted) expected, \(Self.show(actual)) found"
    }

    /// `path 1 → 2` (the form `diff` prints).
    public var change: String { "\(path) \(Self.show(expected)) → \(Self.show(actual))" }
}
