import Blocks

/// Why a network could not be written as ONNX; each case names the block and layer.
public enum EmitError: Error, Equatable, CustomStringConvertible {
    case unsupportedOpset(Int)
    /// A layer has no weights (a structure-only network; initialize it first).
    case missingWeights(block: String, layer: String)
    /// A weight tensor's length disagrees with the layer's geometry.
    case badWeightCount(block: String, layer: String, expected: Int, found: Int)
    /// The structure itself does not fit (channels or shapes), found while writing.
    case invalidStructure(BuildError)

    public var description: String {
        switch self {
        case .unsupportedOpset(let v):
            return "opset \(v) is not supported (\(EmitterOptions.supportedOpsets.lowerBound)...\(EmitterOptions.supportedOpsets.upperBound))"
        case let .missingWeights(block, layer):
            return "block '\(block)': layer '\(layer)' has no weights"
        case let .badWeightCount(block, layer, expected, found):
            return "block '\(block)': layer '\(layer)' has \(found) weight values, its shape needs \(expected)"
        case .invalidStructure(let e):
            return e.description
        }
    }
}
