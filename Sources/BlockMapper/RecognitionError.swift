/// Why a graph could not be mapped at all (as opposed to nodes left `unassigned`).
public enum RecognitionError: Error, Equatable, CustomStringConvertible {
    case noGraph
    case noInput
    case multipleInputs([String])
    case unsupportedInputShape(input: String, reason: String)
    case badWeights(node: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case .noGraph: return "the model has no graph"
        case .noInput: return "the graph has no runtime input"
        case .multipleInputs(let names): return "the graph has \(names.count) runtime inputs (\(names.joined(separator: ", "))); one image input is expected"
        case .unsupportedInputShape(let input, let reason): return "input '\(input)': \(reason)"
        case .badWeights(let node, let tensor, let reason): return "node '\(node)': weights '\(tensor)': \(reason)"
        }
    }
}
