extension CheckPass {
    /// A graph input, output or value_info entry: named; typed when `requireType`
    /// (the main graph's interface); a present type must be well formed.
    mutating func checkValueInfo(_ info: ValueInfo, field: String, requireType: Bool) {
        if (info.name ?? "").isEmpty { error(.valueInfo, field, "value has no name") }
        if !info.metadataProps.isEmpty { requireFeature(.nestedMetadataProps, "\(field) metadata_props") }
        guard let type = info.type else {
            if requireType { error(.valueInfo, field, "value has no type (required in the main graph's inputs and outputs)") }
            return
        }
        checkType(type, field: field)
    }

    /// A `TypeProto`: a value case set, element types present and known, recursively;
    /// dims not negative.
    mutating func checkType(_ type: ValueType, field: String) {
        guard let kind = type.value else {
            error(.valueInfo, field, "type has no value case (tensor, sequence, map, optional, sparse tensor)")
            return
        }
        switch kind {
        case .tensor(let tensor):
            checkTensorType(tensor, field: field)
        case .sparseTensor(let tensor):
            requireFeature(.sparseTensorType, field)
            checkTensorType(tensor, field: field)
        case .sequence(let element):
            guard let element else { return error(.valueInfo, field, "sequence type has no element type") }
            checkType(element, field: "\(field) sequence element")
        case .optional(let element):
            requireFeature(.optionalType, field)
            guard let element else { return error(.valueInfo, field, "optional type has no element type") }
            checkType(element, field: "\(field) optional element")
        case .map(let key, let value):
            if let key {
                let allowed: Set<ElementType> = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .string]
                if !allowed.contains(key) { error(.valueInfo, field, "map key type \(key) must be an integer or string type") }
            } else {
                error(.valueInfo, field, "map type has no key type")
            }
            guard let value else { return error(.valueInfo, field, "map type has no value type") }
            checkType(value, field: "\(field) map value")
        case .opaque:
            break
        }
    }

    private mutating func checkTensorType(_ tensor: ValueType.TensorType, field: String) {
        guard let element = tensor.elementType else {
            return error(.valueInfo, field, "tensor type has no element type")
        }
        if element == .undefined {
            error(.valueInfo, field, "element type is UNDEFINED")
        } else if !element.isKnown {
            error(.valueInfo, field, "element type \(element.rawValue) is not a known ONNX element type")
        } else if element.introducedInIRVersion > irVersion {
            warning(.featureVersion, field, "element type \(element) needs IR version \(element.introducedInIRVersion), model declares \(irVersion)")
        }
        for (axis, dim) in (tensor.shape?.dims ?? []).enumerated() {
            if let v = dim.intValue, v < 0 {
                error(.valueInfo, field, "dimension \(axis) is negative (\(v))")
            }
        }
    }
}
