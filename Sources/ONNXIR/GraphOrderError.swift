/// Why a graph's nodes cannot be put in an order where every value is produced before use.
public enum GraphOrderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `input` of `node` is not a graph input, initializer, node output or outer-scope name.
    case undefinedInput(node: String, input: String)
    /// These nodes depend on each other in a loop (listed in dependency order).
    case cycle(nodes: [String])
    /// Two nodes (the second is `node`) both produce `output`.
    case duplicateOutput(node: String, output: String)

    public var description: String {
        switch self {
        case let .undefinedInput(node, input):
            return "node '\(node)': input '\(input)' is not defined by any node, graph input or initializer"
        case let .cycle(nodes):
            return "nodes form a cycle: " + (nodes + nodes.prefix(1)).map { "'\($0)'" }.joined(separator: " -> ")
        case let .duplicateOutput(node, output):
            return "node '\(node)': output '\(output)' is already produced by another node"
        }
    }
}
