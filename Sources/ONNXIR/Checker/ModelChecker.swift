/// Structural validation of a `Model`, in the spirit of `onnx.checker.check_model`:
/// IR-version rules, opset imports, SSA form, definition before use (including names a
/// subgraph takes from enclosing graphs), topological order, initializer/input consistency,
/// attribute and tensor well-formedness, value-info types, model-local functions.
///
/// For the default domain it also applies operator schemas (`OperatorSchema`: arity,
/// required inputs, attribute names, types and ranges) and, when the structure is sound,
/// type and shape inference over the main graph (`ShapeInference`), as
/// `onnx.checker.check_model(full_check=True)` does. Operators the schema table does not
/// know are a warning. Unlike onnx's checker it does not stop at the first problem:
/// `check(_:)` returns every issue it finds, errors and warnings.
///
/// ```swift
/// let issues = ModelChecker().check(model)
/// if !issues.isValid { for issue in issues.errors { print(issue) } }
/// ```
public struct ModelChecker: Sendable {
    /// The newest IR version whose rules this checker knows (onnx 1.23 writes up to 14).
    public static let newestKnownIRVersion: Int64 = 14

    public init() {}

    /// Every problem found in `model`, errors first, in the order they were found.
    public func check(_ model: Model) -> [CheckIssue] {
        var pass = CheckPass(model: model)
        pass.checkModel()
        return pass.issues.filter { $0.severity == .error } + pass.issues.filter { $0.severity == .warning }
    }

    /// Throws `ModelCheckFailure` (carrying every error) when `model` is invalid.
    public func validate(_ model: Model) throws(ModelCheckFailure) {
        let errors = check(model).errors
        if !errors.isEmpty { throw ModelCheckFailure(errors: errors) }
    }
}

/// A model failed `ModelChecker.validate`: the first error reads as the message.
public struct ModelCheckFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [CheckIssue]
    public var description: String {
        guard let first = errors.first else { return "model is invalid" }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        return first.description + more
    }
}
