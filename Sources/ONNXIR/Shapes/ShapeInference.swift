/// Shape and type inference for one node of the CNN operator set, on `ValueFacts`.
///
/// Two users: `ModelChecker` (declared shapes, often symbolic: `unk__401`) rejects nodes
/// whose shapes cannot fit (a `Concat` on axis 9, a `Gemm` with mismatched inner dims);
/// the runtime (concrete shapes and the values of shape inputs) learns every output's size
/// before a kernel allocates it. All size arithmetic is overflow-checked. Operators without
/// a rule here get their element types only; unknown dims stay unknown, never guessed.
public enum ShapeInference {
    /// Output facts of `node` (one per output, unknown where nothing can be said).
    public static func infer(_ node: Node, schema: OperatorSchema, inputs: [ValueFacts?]) throws(ShapeInferenceError) -> [ValueFacts] {
        var context = InferenceContext(node: node, schema: schema, inputs: inputs)
        let types = try context.outputTypes()
        var outputs = types.map { ValueFacts(elementType: $0) }
        do {
            try context.inferShapes(into: &outputs)
        } catch let overflow as ShapeArithmetic.Overflow {
            throw ShapeInferenceError(field: nil, message: overflow.description)
        } catch let error as ShapeInferenceError {
            throw error
        } catch {
            throw ShapeInferenceError(field: nil, message: "\(error)")
        }
        return outputs
    }
}

/// Why a node's shapes or types cannot be inferred (the node is invalid for them).
public struct ShapeInferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String?
    public var message: String
    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

/// The node being inferred, with helpers shared by the per-operator rules.
struct InferenceContext {
    let node: Node
    let schema: OperatorSchema
    let inputs: [ValueFacts?]
    var op: String { schema.op }
    var opset: Int { schema.since }

    func input(_ k: Int) -> ValueFacts? {
        k < inputs.count && !node.inputs[k].isEmpty ? inputs[k] : nil
    }

    func fail(_ message: String, field: String? = nil) -> ShapeInferenceError {
        ShapeInferenceError(field: field, message: message)
    }

    func int(_ name: String, _ fallback: Int) -> Int {
        node.attribute(name)?.i.map { Int(truncatingIfNeeded: $0) } ?? fallback
    }

    func ints(_ name: String) -> [Int]? {
        guard let a = node.attribute(name) else { return nil }
        return a.ints.map { Int(truncatingIfNeeded: $0) }
    }

    func string(_ name: String, _ fallback: String) -> String {
        node.attribute(name)?.stringValue ?? fallback
    }

    /// `axis` normalized into `0..<rank` (or `0...rank` when `inclusive`), or an error naming it.
    func axis(_ value: Int, rank: Int, name: String = "axis", inclusive: Bool = false) throws(ShapeInferenceError) -> Int {
        let upper = inclusive ? rank : rank - 1
        guard value >= -rank - (inclusive ? 0 : 0), value <= upper, value >= -rank else {
            throw fail("\(name) \(value) is out of range for rank \(rank) (valid: \(-rank)...\(upper))", field: "attribute '\(name)'")
        }
        return value < 0 ? value + rank : value
    }

    // MARK: types

    /// Element types of the outputs from the type constraints, checking the inputs against them.
    func outputTypes() throws(ShapeInferenceError) -> [ElementType?] {
        var bound: [String: ElementType] = [:]
        for (k, facts) in inputs.enumerated() where k < node.inputs.count && !node.inputs[k].isEmpty {
            guard let type = facts?.elementType, let formal = schema.formalInput(k) else { continue }
            let field = "input[\(k)] '\(node.inputs[k])'"
            if let allowed = schema.typeConstraints[formal.typeString] {
                guard allowed.contains(type) else {
                    throw fail("element type \(type) is not allowed for \(formal.typeString) of \(op)-\(schema.since) (allowed: \(allowed.map(\.name).sorted().joined(separator: ", ")))", field: field)
                }
                if let earlier = bound[formal.typeString], earlier != type {
                    throw fail("element type \(type) differs from \(earlier), bound earlier to \(formal.typeString)", field: field)
                }
                bound[formal.typeString] = type
            } else if let fixed = Self.fixedType(formal.typeString), fixed != type {
                throw fail("element type \(type) is not allowed (\(op)-\(schema.since) takes \(fixed))", field: field)
            }
        }
        return node.outputs.indices.map { k in
            switch op {
            case "Cast": return node.attribute("to")?.i.map { ElementType(rawValue: Int32(truncatingIfNeeded: $0)) }
            case "ConstantOfShape": return node.attribute("value")?.t?.dataType ?? .float
            case "Constant": return constantTensor()?.elementType
            default:
                guard let formal = schema.formalOutput(k) else { return nil }
                return bound[formal.typeString] ?? Self.fixedType(formal.typeString)
            }
        }
    }

    /// `"tensor(int64)"` → int64.
    static func fixedType(_ typeString: String) -> ElementType? {
        guard typeString.hasPrefix("tensor("), typeString.hasSuffix(")") else { return nil }
        return ElementType(name: String(typeString.dropFirst(7).dropLast()))
    }

    /// Facts of a `Constant` node's value (any of its value_* attributes).
    func constantTensor() -> ValueFacts? {
        if let t = node.attribute("value")?.t { return ValueFacts(t) }
        if let a = node.attribute("value_float"), a.f != nil { return ValueFacts(elementType: .float, shape: []) }
        if let a = node.attribute("value_floats") { return ValueFacts(elementType: .float, shape: [a.floats.count]) }
        if let a = node.attribute("value_int"), let v = a.i { return ValueFacts(elementType: .int64, shape: [], values: [v]) }
        if let a = node.attribute("value_ints") {
            return ValueFacts(elementType: .int64, shape: [a.ints.count], values: a.ints.count <= ValueFacts.maxTrackedValues ? a.ints : nil)
        }
        return nil
    }
}
