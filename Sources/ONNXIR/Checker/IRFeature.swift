/// ONNX features and the IR version that introduced them (from the version history in
/// `onnx.proto`). Using one with an older declared `ir_version` is legal for readers like
/// onnx's own, so `ModelChecker` reports it as a warning, not an error.
enum IRFeature: String, CaseIterable {
    case attributeType = "AttributeProto.type"
    case opsetImport = "opset_import"
    case initializerNotInput = "initializers that are not graph inputs"
    case quantizationAnnotation = "quantization_annotation"
    case sparseInitializer = "sparse_initializer"
    case sparseTensorAttribute = "sparse tensor attributes"
    case trainingInfo = "training_info"
    case modelFunctions = "model-local functions"
    case sparseTensorType = "TypeProto.SparseTensor"
    case optionalType = "TypeProto.Optional"
    case functionAttributeDefaults = "FunctionProto.attribute_proto"
    case overload = "overload"
    case nestedMetadataProps = "metadata_props on graphs, nodes and functions"
    case deviceConfigurations = "device configurations"

    var introducedIn: Int64 {
        switch self {
        case .attributeType: return 2
        case .opsetImport: return 3
        case .initializerNotInput: return 4
        case .quantizationAnnotation: return 5
        case .sparseInitializer, .sparseTensorAttribute: return 6
        case .trainingInfo: return 7
        case .modelFunctions, .sparseTensorType, .optionalType: return 8
        case .functionAttributeDefaults: return 9
        case .overload, .nestedMetadataProps: return 10
        case .deviceConfigurations: return 11
        }
    }
}

extension ElementType {
    /// The IR version that added this element type (1 for the original set).
    var introducedInIRVersion: Int64 {
        switch rawValue {
        case 16: return 4                // bfloat16
        case 17, 18, 19, 20: return 9    // float8 variants
        case 21, 22: return 10           // uint4, int4
        case 23: return 11               // float4e2m1
        case 24: return 12               // float8e8m0
        case 25, 26: return 13           // uint2, int2
        default: return 1
        }
    }

    /// Element count → storage size in bytes when packed in `raw_data` (sub-byte types pack).
    func packedByteCount(elements: Int) -> Int? {
        guard let bits = bitWidth else { return nil }
        let (total, overflow) = elements.multipliedReportingOverflow(by: bits)
        return overflow ? nil : (total + 7) / 8
    }
}
