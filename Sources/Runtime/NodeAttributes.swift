import ONNXIR

/// A node's attributes read with the spec's defaults; errors name the node and attribute.
struct NodeAttributes {
    let node: Node
    let opset: Int

    var name: String { node.displayName }
    var op: String { node.opType ?? "?" }

    func invalid(_ reason: String) -> RuntimeError {
        .invalidNode(node: name, op: op, reason: reason)
    }

    func has(_ attribute: String) -> Bool { node.attribute(attribute) != nil }

    func int(_ attribute: String) throws -> Int? {
        guard let a = node.attribute(attribute) else { return nil }
        guard let v = a.i else { throw invalid("attribute '\(attribute)' must be an int") }
        return Int(v)
    }
    func int(_ attribute: String, default value: Int) throws -> Int { try int(attribute) ?? value }

    func ints(_ attribute: String) throws -> [Int]? {
        guard let a = node.attribute(attribute) else { return nil }
        if a.type == .int, let i = a.i { return [Int(i)] }
        return a.ints.map { Int($0) }
    }

    func float(_ attribute: String) throws -> Float? {
        guard let a = node.attribute(attribute) else { return nil }
        guard let v = a.f else { throw invalid("attribute '\(attribute)' must be a float") }
        return v
    }
    func float(_ attribute: String, default value: Float) throws -> Float { try float(attribute) ?? value }

    func string(_ attribute: String, default value: String) -> String {
        node.attribute(attribute)?.stringValue ?? value
    }

    func tensor(_ attribute: String) -> Tensor? { node.attribute(attribute)?.t }
}
