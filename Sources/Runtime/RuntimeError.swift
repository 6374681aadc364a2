import ONNXIR

/// Why a model could not be prepared or run. Every case names where: the node, the tensor,
/// the input. Load-time cases (unsupported operator/type, missing producer) are raised while
/// the session is built, before any node runs.
public enum RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingGraph
    case unsupportedOpset(domain: String, version: Int64)
    case unsupportedOperator(node: String, op: String, domain: String, opset: Int64)
    case unsupportedType(node: String, op: String, tensor: String, type: ElementType?)
    case unsupportedTensorType(tensor: String, type: ElementType?)
    case invalidTensor(tensor: String, reason: String)
    case wrongArity(node: String, op: String, what: String, expected: ClosedRange<Int>, found: Int)
    case invalidNode(node: String, op: String, reason: String)
    case undefinedTensor(node: String, tensor: String)
    case cycle(nodes: [String])
    case missingInput(name: String)
    case unknownInput(name: String, known: [String])
    case unknownOutput(name: String)
    case inputTypeMismatch(name: String, expected: ElementType, found: ElementType)
    case inputShapeMismatch(name: String, expected: String, found: [Int])
    case invalidShapeOverride(name: String, reason: String)
    case nodeFailed(node: String, op: String, reason: String)
    /// A tensor (or the arena with it) would exceed `SessionOptions.maxMemory`; `bytes` is
    /// nil when the size does not even fit in 64 bits. Raised before anything is allocated.
    case memoryBudget(node: String, tensor: String, shape: [Int], bytes: Int?, limit: Int)

    public var description: String {
        switch self {
        case .missingGraph:
            return "the model has no graph"
        case let .unsupportedOpset(domain, version):
            return "opset \(version) of domain '\(domain.isEmpty ? "ai.onnx" : domain)' is not supported (\(OperatorTable.oldestOpset) through \(OperatorTable.newestOpset))"
        case let .unsupportedOperator(node, op, domain, opset):
            let qualified = domain.isEmpty || domain == "ai.onnx" ? op : "\(domain).\(op)"
            return "node '\(node)': operator \(qualified) (opset \(opset)) is not supported"
        case let .unsupportedType(node, op, tensor, type):
            return "node '\(node)' (\(op)): tensor '\(tensor)' has element type \(type?.name ?? "unknown"), which this operator does not support here"
        case let .unsupportedTensorType(tensor, type):
            return "tensor '\(tensor)': element type \(type?.name ?? "missing") is not supported (float, int32, int64, bool)"
        case let .invalidTensor(tensor, reason):
            return "tensor '\(tensor)': \(reason)"
        case let .wrongArity(node, op, what, expected, found):
            return "node '\(node)' (\(op)): expected \(expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "\(expected.lowerBound)...\(expected.upperBound)") \(what), found \(found)"
        case let .invalidNode(node, op, reason):
            return "node '\(node)' (\(op)): \(reason)"
        case let .undefinedTensor(node, tensor):
            return "node '\(node)': input tensor '\(tensor)' is produced by no node, initializer or graph input"
        case let .cycle(nodes):
            return "the graph has a cycle through node(s) \(nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", "))"
        case let .missingInput(name):
            return "graph input '\(name)' was not given"
        case let .unknownInput(name, known):
            return "'\(name)' is not an input of the graph (inputs: \(known.joined(separator: ", ")))"
        case let .unknownOutput(name):
            return "'\(name)' is not a tensor of the graph"
        case let .inputTypeMismatch(name, expected, found):
            return "input '\(name)': the graph expects \(expected.name), got \(found.name)"
        case let .inputShapeMismatch(name, expected, found):
            return "input '\(name)': the graph expects shape \(expected), got \(found.map(String.init).joined(separator: "x"))"
        case let .invalidShapeOverride(name, reason):
            return "shape for '\(name)': \(reason)"
        case let .nodeFailed(node, op, reason):
            return "node '\(node)' (\(op)): \(reason)"
        case let .memoryBudget(node, tensor, shape, bytes, limit):
            let size = bytes.map { "\($0) bytes" } ?? "more than 2^63 bytes"
            let what = node == "graph input" ? "graph input '\(tensor)'" : "node '\(node)': output '\(tensor)'"
            return "\(what) of shape \(shape) needs \(size), over the memory budget of \(limit) bytes (--max-memory)"
        }
    }
}

/// What a kernel throws; the harness rethrows it as `RuntimeError.nodeFailed` with the node's name.
struct KernelError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
