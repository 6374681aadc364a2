extension CheckPass {
    /// The value fields of an attribute that are populated, each with the type it implies.
    static func populatedFields(_ a: Attribute) -> [(field: String, type: AttributeType)] {
        var fields: [(String, AttributeType)] = []
        if a.f != nil { fields.append(("f", .float)) }
        if a.i != nil { fields.append(("i", .int)) }
        if a.s != nil { fields.append(("s", .string)) }
        if a.t != nil { fields.append(("t", .tensor)) }
        if a.g != nil { fields.append(("g", .graph)) }
        if a.sparseTensor != nil { fields.append(("sparse_tensor", .sparseTensor)) }
        if a.tp != nil { fields.append(("tp", .typeProto)) }
        if !a.floats.isEmpty { fields.append(("floats", .floats)) }
        if !a.ints.isEmpty { fields.append(("ints", .ints)) }
        if !a.strings.isEmpty { fields.append(("strings", .strings)) }
        if !a.tensors.isEmpty { fields.append(("tensors", .tensors)) }
        if !a.graphs.isEmpty { fields.append(("graphs", .graphs)) }
        if !a.sparseTensors.isEmpty { fields.append(("sparse_tensors", .sparseTensors)) }
        if !a.typeProtos.isEmpty { fields.append(("type_protos", .typeProtos)) }
        return fields
    }

    static let listTypes: Set<AttributeType> = [.floats, .ints, .strings, .tensors, .graphs, .sparseTensors, .typeProtos]

    /// Name present, type present and known, exactly the value field the type names
    /// (lists may be empty), nested tensors and graphs valid.
    mutating func checkAttribute(_ attribute: Attribute, index: Int, scope: LexicalScope) {
        let name = attribute.name ?? ""
        let field = name.isEmpty ? "attribute[\(index)]" : "attribute '\(name)'"
        if name.isEmpty { error(.attribute, field, "attribute has no name") }

        let populated = Self.populatedFields(attribute)
        if let reference = attribute.refAttrName {
            if !inFunctionBody {
                warning(.attribute, field, "ref_attr_name '\(reference)' is only meaningful inside a function body")
            } else if !functionAttributeNames.contains(reference) {
                error(.attribute, field, "ref_attr_name '\(reference)' names no attribute of the enclosing function")
            }
            if !populated.isEmpty {
                warning(.attribute, field, "has both ref_attr_name and a value (\(populated.map(\.field).joined(separator: ", ")))")
            }
        }

        guard let type = attribute.type else {
            if irVersion >= IRFeature.attributeType.introducedIn {
                error(.attribute, field, "attribute has no type (required from IR version 2)")
            }
            checkAttributeValues(attribute, field: field, scope: scope)
            return
        }
        if !type.isKnown || type == .undefined {
            error(.attribute, field, "attribute type \(type) is not a valid type")
        }
        for other in populated where other.type != type {
            error(.attribute, field, "type is \(type) but field '\(other.field)' (\(other.type)) is set")
        }
        if attribute.refAttrName == nil, populated.isEmpty, type.isKnown, type != .undefined, !Self.listTypes.contains(type) {
            warning(.attribute, field, "attribute of type \(type) has no value")
        }
        if type == .sparseTensor || type == .sparseTensors { requireFeature(.sparseTensorAttribute, field) }
        checkAttributeValues(attribute, field: field, scope: scope)
    }

    /// Tensors, sparse tensors, types and subgraphs held by an attribute.
    private mutating func checkAttributeValues(_ attribute: Attribute, field: String, scope: LexicalScope) {
        if let t = attribute.t { checkTensor(t, field: "\(field) tensor \(Self.quoted(t.name))") }
        for (k, t) in attribute.tensors.enumerated() {
            checkTensor(t, field: "\(field) tensors[\(k)] \(Self.quoted(t.name))")
        }
        if let s = attribute.sparseTensor { checkSparseTensor(s, field: "\(field) sparse_tensor") }
        for (k, s) in attribute.sparseTensors.enumerated() {
            checkSparseTensor(s, field: "\(field) sparse_tensors[\(k)]")
        }
        if let tp = attribute.tp { checkType(tp, field: "\(field) tp") }
        for (k, tp) in attribute.typeProtos.enumerated() { checkType(tp, field: "\(field) type_protos[\(k)]") }

        guard attribute.g != nil || !attribute.graphs.isEmpty else { return }
        path.append(field)
        defer { path.removeLast() }
        if let g = attribute.g { checkGraph(g, parentScope: scope, isMain: false) }
        for g in attribute.graphs { checkGraph(g, parentScope: scope, isMain: false) }
    }
}
