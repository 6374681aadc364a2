import ONNXProtobuf

extension CommandFailure {
    /// Maps reader/writer errors to exit codes: I/O problems are 2, a bad model is 1.
    static func from(_ error: ONNXProtobufError) -> CommandFailure {
        switch error {
        case .io: return .usage(error.description)
        default: return .invalid(error.description)
        }
    }
}
