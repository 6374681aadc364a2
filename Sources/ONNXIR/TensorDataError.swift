/// Why a tensor's data could not be read as the requested element type.
public enum TensorDataError: Error, Sendable, Equatable, CustomStringConvertible {
    case negativeDimension(tensor: String, dims: [Int64])
    case elementCountOverflow(tensor: String, dims: [Int64])
    case typeMismatch(tensor: String, stored: ElementType?, requested: ElementType)
    case sizeMismatch(tensor: String, expectedElements: Int, field: String, found: Int)
    case externalDataNotLoaded(tensor: String)
    case unsupportedType(tensor: String, ElementType?)

    public var description: String {
        switch self {
        case let .negativeDimension(t, dims):
            return "tensor '\(t)': negative dimension in \(dims)"
        case let .elementCountOverflow(t, dims):
            return "tensor '\(t)': element count of dims \(dims) overflows"
        case let .typeMismatch(t, stored, requested):
            return "tensor '\(t)': stored as \(stored.map { $0.name } ?? "no type"), requested \(requested.name)"
        case let .sizeMismatch(t, expected, field, found):
            return "tensor '\(t)': dims need \(expected) elements but \(field) holds \(found)"
        case let .externalDataNotLoaded(t):
            return "tensor '\(t)': data is external and has not been loaded"
        case let .unsupportedType(t, type):
            return "tensor '\(t)': element type \(type.map { $0.name } ?? "missing") is not supported here"
        }
    }
}
