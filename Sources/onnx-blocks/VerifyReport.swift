import BlockMapper
import Blocks

/// `verify`'s output in its three formats.
struct VerifyReport {
    let model: String
    let checks: [StructureCheck]
    /// Body blocks (stem and head not counted), and the phrase every output uses for them.
    let bodyBlocks: Int
    let blockCount: String

    func render(_ format: Verify.Format) -> String {
        let failures = checks.filter { !$0.passed }
        switch format {
        case .text:
            if failures.isEmpty { return "ok: \(model) matches (\(checks.count) checks, \(blockCount))" }
            return (["FAILED: \(model): \(failures.count) of \(checks.count) checks differ (\(blockCount))"]
                + failures.map { "  \($0.failure!)" }).joined(separator: "\n")
        case .github:
            let file = Self.annotationEscape(model)
            if failures.isEmpty { return "::notice file=\(file),title=onnx-blocks verify::structure matches (\(checks.count) checks, \(blockCount))" }
            return failures.map { "::error file=\(file),title=onnx-blocks verify::\(Self.messageEscape($0.failure!))" }.joined(separator: "\n")
        case .json:
            return JSONValue.object([
                "model": .string(model), "passed": .bool(failures.isEmpty), "checks": .int(checks.count), "blocks": .int(bodyBlocks),
                "failures": .array(failures.map { .object(["name": .string($0.name), "message": .string($0.failure!)]) }),
            ]).pretty()
        }
    }

    /// Workflow-command escaping of a message (`%`, CR, LF).
    static func messageEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Workflow-command escaping (`%`, CR, LF; and `,` in properties).
    static func annotationEscape(_ s: String) -> String {
        messageEscape(s).replacingOccurrences(of: ",", with: "%2C")
    }
}
