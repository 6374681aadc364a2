/// A spec document that cannot be read as blocks; names the block (or `spec`) and the field.
public struct SpecError: Error, Equatable, CustomStringConvertible {
    public var block: String
    public var reason: String
    public init(block: String, reason: String) {
        self.block = block
        self.reason = reason
    }
    public var description: String { "spec block '\(block)': \(reason)" }
}
