/// The state of one `ModelChecker.check` run: issues found so far, where we are in the
/// model (a path of graphs, nodes, attributes), and the facts later rules depend on.
struct CheckPass {
    let model: Model
    /// The declared IR version, or the newest known when absent (an error already reported),
    /// so that version-dependent rules still run.
    let irVersion: Int64
    /// Opset imports by normalized domain ("ai.onnx" → "").
    var opsets: [String: Int64] = [:]
    var issues: [CheckIssue] = []
    var path: [String] = []
    /// Display name of the innermost node being checked.
    var currentNode: String?
    /// True while checking a function body (where `ref_attr_name` is legal).
    var inFunctionBody = false
    /// Attribute names of the function being checked.
    var functionAttributeNames: Set<String> = []

    init(model: Model) {
        self.model = model
        self.irVersion = model.irVersion ?? ModelChecker.newestKnownIRVersion
    }

    mutating func error(_ rule: CheckRule, _ field: String?, _ message: String) {
        issues.append(CheckIssue(.error, rule, path: path, node: currentNode, field: field, message: message))
    }

    mutating func warning(_ rule: CheckRule, _ field: String?, _ message: String) {
        issues.append(CheckIssue(.warning, rule, path: path, node: currentNode, field: field, message: message))
    }

    /// Warns when `feature` is newer than the declared IR version.
    mutating func requireFeature(_ feature: IRFeature, _ field: String?) {
        guard let declared = model.irVersion, declared < feature.introducedIn else { return }
        warning(.featureVersion, field,
                "\(feature.rawValue) needs IR version \(feature.introducedIn), model declares \(declared)")
    }

    /// `"ai.onnx"` and `""` both name the default operator set.
    static func normalizedDomain(_ domain: String?) -> String {
        let d = domain ?? ""
        return d == "ai.onnx" ? "" : d
    }

    static func quoted(_ name: String?) -> String { "'\(name ?? "")'" }
}
