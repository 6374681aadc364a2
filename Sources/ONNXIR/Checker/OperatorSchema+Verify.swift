/// A node breaking its operator's schema: which field, and why (reads well after the node).
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// `"input[1] ''"`, `"attribute 'axis'"`, or nil for the node as a whole.
    public var field: String?
    public var message: String
    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

extension OperatorSchema {
    /// Arity and presence: input and output counts in range, no empty name where the schema
    /// has a single (required) parameter. This is what the runtime checks before it plans a
    /// node, so a missing weight is refused by name instead of reaching a kernel.
    public func arityViolations(of node: Node) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        if !inputCount.contains(node.inputs.count) {
            found.append(.init(field: nil, message: "has \(node.inputs.count) inputs, \(op)-\(since) takes \(Self.describe(inputCount))"))
        }
        for (k, name) in node.inputs.enumerated() where name.isEmpty {
            if let formal = formalInput(k), formal.option != .optional {
                found.append(.init(field: "input[\(k)] ''", message: "required input '\(formal.name)' is missing (empty name)"))
            }
        }
        if !outputCount.contains(node.outputs.count) {
            found.append(.init(field: nil, message: "has \(node.outputs.count) outputs, \(op)-\(since) takes \(Self.describe(outputCount))"))
        }
        for (k, name) in node.outputs.enumerated() where name.isEmpty {
            if let formal = formalOutput(k), formal.option != .optional {
                found.append(.init(field: "output[\(k)] ''", message: "required output '\(formal.name)' has an empty name"))
            }
        }
        return found
    }

    /// Attributes: each name known to this version, of the declared type, required ones
    /// present, values in range (`rangeViolations`).
    public func attributeViolations(of node: Node) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        for attribute in node.attributes {
            let name = attribute.name ?? ""
            let field = "attribute '\(name)'"
            guard let spec = attributes[name] else {
                found.append(.init(field: field, message: "\(op)-\(since) has no attribute '\(name)'"))
                continue
            }
            if attribute.refAttrName == nil, let type = attribute.type, type != spec.type {
                found.append(.init(field: field, message: "has type \(type), \(op)-\(since) declares \(spec.type)"))
            }
        }
        for (name, spec) in attributes.sorted(by: { $0.key < $1.key }) where spec.required && node.attribute(name) == nil {
            found.append(.init(field: "attribute '\(name)'", message: "required attribute '\(name)' is missing"))
        }
        return found + rangeViolations(of: node)
    }

    private static func describe(_ r: ClosedRange<Int>) -> String {
        if r.lowerBound == r.upperBound { return "\(r.lowerBound)" }
        if r.upperBound == Int(Int32.max) { return "at least \(r.lowerBound)" }
        return "\(r.lowerBound) to \(r.upperBound)"
    }
}
