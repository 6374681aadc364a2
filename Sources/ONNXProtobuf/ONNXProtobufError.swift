import Foundation

/// Why a model, tensor file or external-data file could not be read or written.
/// Every case names where it happened (file, tensor, offset) so the message alone is useful.
public enum ONNXProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file system refused (missing file, permissions, disk full).
    case io(file: String, reason: String)
    /// The bytes are not a valid protobuf encoding of the expected message.
    case malformed(file: String, offset: Int?, reason: String)
    /// Valid protobuf this reader cannot represent without changing it (a NUL inside a string
    /// would silently cut a name short, so it is refused instead).
    case unsupported(file: String, offset: Int, reason: String)
    /// Messages nest deeper than the reader allows (protects the stack).
    case nestingTooDeep(file: String, offset: Int, limit: Int)
    /// Decoding would need more memory than the reader allows for this input.
    case resourceLimit(file: String, reason: String)
    /// An external-data reference was rejected (see `ExternalDataProblem`).
    case externalData(tensor: String, location: String, problem: ExternalDataProblem)
    /// The model cannot be encoded (for example a message over protobuf's 2 GiB limit).
    case notEncodable(what: String, reason: String)

    public var description: String {
        switch self {
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .malformed(file, offset, reason):
            return "\(file): malformed protobuf\(offset.map { " at byte \($0)" } ?? ""): \(reason)"
        case let .unsupported(file, offset, reason):
            return "\(file): unsupported content at byte \(offset): \(reason)"
        case let .nestingTooDeep(file, offset, limit):
            return "\(file): messages nest deeper than \(limit) levels at byte \(offset)"
        case let .resourceLimit(file, reason):
            return "\(file): \(reason)"
        case let .externalData(tensor, location, problem):
            return "tensor '\(tensor)': external data '\(location)': \(problem)"
        case let .notEncodable(what, reason):
            return "cannot encode \(what): \(reason)"
        }
    }
}

/// Why an external-data reference was rejected.
public enum ExternalDataProblem: Sendable, Equatable, CustomStringConvertible {
    case missingLocation
    case unknownKey(String)
    case duplicateKey(String)
    case invalidNumber(key: String, value: String)
    case absolutePath
    case escapesModelFolder
    case symlinkOutsideModelFolder(resolved: String)
    case hardLink(linkCount: Int)
    case notARegularFile
    case cannotOpen(reason: String)
    case pastEndOfFile(offset: Int64, length: Int64?, fileSize: Int64)
    case noBaseDirectory
    case invalidChecksum(String)
    case checksumMismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .missingLocation: return "no 'location' key"
        case let .unknownKey(key): return "unknown key '\(key)'"
        case let .duplicateKey(key): return "key '\(key)' appears more than once"
        case let .invalidNumber(key, value): return "'\(key)' is not a non-negative integer: '\(value)'"
        case .absolutePath: return "absolute paths are not allowed"
        case .escapesModelFolder: return "path leaves the model's folder ('..')"
        case let .symlinkOutsideModelFolder(resolved): return "symbolic link resolves outside the model's folder (\(resolved))"
        case let .hardLink(count): return "file has \(count) hard links (refused: it may alias a file outside the model's folder)"
        case .notARegularFile: return "not a regular file"
        case let .cannotOpen(reason): return "cannot open: \(reason)"
        case let .pastEndOfFile(offset, length, size):
            return "offset \(offset)\(length.map { " + length \($0)" } ?? "") is past the end of the file (\(size) bytes)"
        case .noBaseDirectory: return "the model was read from memory without a base directory"
        case let .invalidChecksum(value): return "'checksum' is not a 40-digit hex SHA-1: '\(value)'"
        case let .checksumMismatch(expected, actual):
            return "the file's SHA-1 is \(actual), the model's checksum says \(expected) (corrupted or replaced file; --skip-checksum to load anyway)"
        }
    }
}
