/// Why a network could not be built: each case names the block (and layer) where the
/// structure stops making sense.
public enum BuildError: Error, Equatable, CustomStringConvertible {
    /// A window or stride does not fit the feature map it gets.
    case doesNotFit(block: String, layer: String, input: FeatureShape, reason: String)
    /// Two tensors meeting at an `Add` (or a concatenation) disagree.
    case shapeMismatch(block: String, at: String, left: FeatureShape, right: FeatureShape)
    /// A layer's declared input channels differ from what reaches it.
    case channelMismatch(block: String, layer: String, expected: Int, found: Int)
    /// A spec or architecture request that cannot be turned into blocks.
    case invalidSpec(block: String, reason: String)
    case unknownArchitecture(String)

    public var description: String {
        switch self {
        case let .doesNotFit(block, layer, input, reason):
            return "block '\(block)': layer '\(layer)' does not fit its \(input) input (\(reason))"
        case let .shapeMismatch(block, at, left, right):
            return "block '\(block)': shapes meeting at '\(at)' differ (\(left) vs \(right))"
        case let .channelMismatch(block, layer, expected, found):
            return "block '\(block)': layer '\(layer)' expects \(expected) input channels, gets \(found)"
        case let .invalidSpec(block, reason):
            return "block '\(block)': \(reason)"
        case let .unknownArchitecture(name):
            return "unknown architecture '\(name)' (see 'build --list')"
        }
    }
}
