import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// Copies an unpacked protobuf-c message tree into ONNXIR values ("copy in, copy out").
/// Optionals follow the C `has_`/NULL presence exactly, so writing back is lossless.
/// `bytes` fields go through `bytes(_:)`, which can swap a large-payload marker for a
/// zero-copy slice of the file (see `LargeBytesStripper`).
struct WireDecoder {
    var largeBytes: LargeBytesTable?

    func bytes(_ b: ProtobufCBinaryData) -> Data {
        if let table = largeBytes, let slice = table.slice(for: b) { return slice }
        guard b.len > 0, let p = b.data else { return Data() }
        return Data(bytes: p, count: b.len)
    }

    // MARK: helpers for C arrays

    func string(_ p: UnsafeMutablePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    func strings(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { p[$0].map { String(cString: $0) } ?? "" }
    }

    func array<T>(_ n: Int, _ p: UnsafeMutablePointer<T>?) -> [T] {
        guard n > 0, let p else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    func byteArrays(_ n: Int, _ p: UnsafeMutablePointer<ProtobufCBinaryData>?) -> [Data] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { bytes(p[$0]) }
    }

    func messages<M, R>(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<M>?>?, _ convert: (M) -> R) -> [R] {
        guard n > 0, let p else { return [] }
        return (0..<n).compactMap { p[$0].map { convert($0.pointee) } }
    }

    func int32(_ has: protobuf_c_boolean, _ v: Int32) -> Int32? { has != 0 ? v : nil }
    func int64(_ has: protobuf_c_boolean, _ v: Int64) -> Int64? { has != 0 ? v : nil }

    /// Fields protobuf-c kept because the descriptor does not know them (tag, wire type and
    /// the bytes after the tag), carried opaquely into the IR.
    func unknown(_ base: ProtobufCMessage) -> [UnknownField] {
        guard base.n_unknown_fields > 0, let fields = base.unknown_fields else { return [] }
        return (0..<Int(base.n_unknown_fields)).map { k in
            let f = fields[k]
            let payload = f.len > 0 && f.data != nil ? Data(bytes: f.data, count: f.len) : Data()
            return UnknownField(number: f.tag, wireType: UInt8(truncatingIfNeeded: f.wire_type.rawValue), payload: payload)
        }
    }

    // MARK: messages

    func model(_ m: Onnx__ModelProto) -> Model {
        var v = Model(
            irVersion: int64(m.has_ir_version, m.ir_version),
            opsetImports: messages(m.n_opset_import, m.opset_import, opset),
            producerName: string(m.producer_name), producerVersion: string(m.producer_version),
            domain: string(m.domain), modelVersion: int64(m.has_model_version, m.model_version),
            docString: string(m.doc_string), graph: m.graph.map { graph($0.pointee) },
            metadataProps: messages(m.n_metadata_props, m.metadata_props, entry),
            trainingInfo: messages(m.n_training_info, m.training_info, trainingInfo),
            functions: messages(m.n_functions, m.functions, function),
            configurations: messages(m.n_configuration, m.configuration, deviceConfiguration)
        )
        v.unknownFields = unknown(m.base)
        return v
    }

    func opset(_ m: Onnx__OperatorSetIdProto) -> OperatorSetID {
        OperatorSetID(domain: string(m.domain), version: int64(m.has_version, m.version))
    }

    func entry(_ m: Onnx__StringStringEntryProto) -> MetadataEntry {
        MetadataEntry(key: string(m.key), value: string(m.value))
    }

    func trainingInfo(_ m: Onnx__TrainingInfoProto) -> TrainingInfo {
        TrainingInfo(
            initialization: m.initialization.map { graph($0.pointee) },
            algorithm: m.algorithm.map { graph($0.pointee) },
            initializationBinding: messages(m.n_initialization_binding, m.initialization_binding, entry),
            updateBinding: messages(m.n_update_binding, m.update_binding, entry)
        )
    }

    func function(_ m: Onnx__FunctionProto) -> Function {
        Function(
            name: string(m.name), inputs: strings(m.n_input, m.input), outputs: strings(m.n_output, m.output),
            attributes: strings(m.n_attribute, m.attribute),
            attributeProtos: messages(m.n_attribute_proto, m.attribute_proto, attribute),
            nodes: messages(m.n_node, m.node, node), docString: string(m.doc_string),
            opsetImports: messages(m.n_opset_import, m.opset_import, opset),
            domain: string(m.domain), overload: string(m.overload),
            valueInfo: messages(m.n_value_info, m.value_info, valueInfo),
            metadataProps: messages(m.n_metadata_props, m.metadata_props, entry)
        )
    }

    func deviceConfiguration(_ m: Onnx__DeviceConfigurationProto) -> DeviceConfiguration {
        DeviceConfiguration(name: string(m.name), numDevices: int32(m.has_num_devices, m.num_devices),
                            devices: strings(m.n_device, m.device))
    }

    func graph(_ m: Onnx__GraphProto) -> Graph {
        var v = Graph(
            name: string(m.name), nodes: messages(m.n_node, m.node, node),
            initializers: messages(m.n_initializer, m.initializer, tensor),
            sparseInitializers: messages(m.n_sparse_initializer, m.sparse_initializer, sparseTensor),
            docString: string(m.doc_string),
            inputs: messages(m.n_input, m.input, valueInfo), outputs: messages(m.n_output, m.output, valueInfo),
            valueInfo: messages(m.n_value_info, m.value_info, valueInfo),
            quantizationAnnotations: messages(m.n_quantization_annotation, m.quantization_annotation, tensorAnnotation),
            metadataProps: messages(m.n_metadata_props, m.metadata_props, entry)
        )
        v.unknownFields = unknown(m.base)
        return v
    }

    func tensorAnnotation(_ m: Onnx__TensorAnnotation) -> TensorAnnotation {
        TensorAnnotation(tensorName: string(m.tensor_name),
                         quantParameterTensorNames: messages(m.n_quant_parameter_tensor_names, m.quant_parameter_tensor_names, entry))
    }

    func node(_ m: Onnx__NodeProto) -> Node {
        var v = Node(
            opType: string(m.op_type), inputs: strings(m.n_input, m.input), outputs: strings(m.n_output, m.output),
            name: string(m.name), domain: string(m.domain), overload: string(m.overload),
            attributes: messages(m.n_attribute, m.attribute, attribute), docString: string(m.doc_string),
            metadataProps: messages(m.n_metadata_props, m.metadata_props, entry),
            deviceConfigurations: messages(m.n_device_configurations, m.device_configurations, nodeDeviceConfiguration)
        )
        v.unknownFields = unknown(m.base)
        return v
    }

    func nodeDeviceConfiguration(_ m: Onnx__NodeDeviceConfigurationProto) -> NodeDeviceConfiguration {
        NodeDeviceConfiguration(
            configurationID: string(m.configuration_id),
            shardingSpecs: messages(m.n_sharding_spec, m.sharding_spec, shardingSpec),
            pipelineStage: int32(m.has_pipeline_stage, m.pipeline_stage)
        )
    }

    func shardingSpec(_ m: Onnx__ShardingSpecProto) -> ShardingSpec {
        ShardingSpec(
            tensorName: string(m.tensor_name), devices: array(m.n_device, m.device),
            indexToDeviceGroupMap: messages(m.n_index_to_device_group_map, m.index_to_device_group_map) {
                IntIntListEntry(key: int64($0.has_key, $0.key), values: array($0.n_value, $0.value))
            },
            shardedDims: messages(m.n_sharded_dim, m.sharded_dim) { d in
                ShardedDim(axis: int64(d.has_axis, d.axis), simpleShardings: messages(d.n_simple_sharding, d.simple_sharding) { s in
                    let dim: ONNXIR.Dimension.Value?
                    switch s.dim_case {
                    case ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_VALUE: dim = .value(s.dim_value)
                    case ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_PARAM: dim = .param(string(s.dim_param) ?? "")
                    default: dim = nil
                    }
                    return SimpleShardedDim(dim: dim, numShards: int64(s.has_num_shards, s.num_shards))
                })
            }
        )
    }

    func attribute(_ m: Onnx__AttributeProto) -> Attribute {
        var v = Attribute(
            name: string(m.name), type: int32(m.has_type, m.type).map(AttributeType.init(rawValue:)),
            refAttrName: string(m.ref_attr_name), docString: string(m.doc_string),
            f: m.has_f != 0 ? m.f : nil, i: int64(m.has_i, m.i), s: m.has_s != 0 ? bytes(m.s) : nil,
            t: m.t.map { tensor($0.pointee) }, g: m.g.map { graph($0.pointee) },
            sparseTensor: m.sparse_tensor.map { sparseTensor($0.pointee) }, tp: m.tp.map { valueType($0.pointee) },
            floats: array(m.n_floats, m.floats), ints: array(m.n_ints, m.ints),
            strings: byteArrays(m.n_strings, m.strings),
            tensors: messages(m.n_tensors, m.tensors, tensor), graphs: messages(m.n_graphs, m.graphs, graph),
            sparseTensors: messages(m.n_sparse_tensors, m.sparse_tensors, sparseTensor),
            typeProtos: messages(m.n_type_protos, m.type_protos, valueType)
        )
        v.unknownFields = unknown(m.base)
        return v
    }

    func tensor(_ m: Onnx__TensorProto) -> Tensor {
        var v = Tensor(
            name: string(m.name), dims: array(m.n_dims, m.dims),
            dataType: int32(m.has_data_type, m.data_type).map(ElementType.init(rawValue:)),
            segment: m.segment.map { Tensor.Segment(begin: int64($0.pointee.has_begin, $0.pointee.begin),
                                                    end: int64($0.pointee.has_end, $0.pointee.end)) },
            floatData: array(m.n_float_data, m.float_data), int32Data: array(m.n_int32_data, m.int32_data),
            stringData: byteArrays(m.n_string_data, m.string_data), int64Data: array(m.n_int64_data, m.int64_data),
            doubleData: array(m.n_double_data, m.double_data), uint64Data: array(m.n_uint64_data, m.uint64_data),
            rawData: m.has_raw_data != 0 ? bytes(m.raw_data) : nil,
            externalData: messages(m.n_external_data, m.external_data, entry),
            dataLocation: int32(m.has_data_location, m.data_location).map(Tensor.DataLocation.init(rawValue:)),
            docString: string(m.doc_string),
            metadataProps: messages(m.n_metadata_props, m.metadata_props, entry)
        )
        v.unknownFields = unknown(m.base)
        return v
    }

    func sparseTensor(_ m: Onnx__SparseTensorProto) -> SparseTensor {
        SparseTensor(values: m.values.map { tensor($0.pointee) }, indices: m.indices.map { tensor($0.pointee) },
                     dims: array(m.n_dims, m.dims))
    }

    func valueInfo(_ m: Onnx__ValueInfoProto) -> ValueInfo {
        var v = ValueInfo(name: string(m.name), type: m.type.map { valueType($0.pointee) }, docString: string(m.doc_string),
                  metadataProps: messages(m.n_metadata_props, m.metadata_props, entry))
        v.unknownFields = unknown(m.base)
        return v
    }

    func valueType(_ m: Onnx__TypeProto) -> ValueType {
        let kind: ValueType.Kind?
        switch m.value_case {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
            kind = m.tensor_type.map { .tensor(tensorType($0.pointee.has_elem_type, $0.pointee.elem_type, $0.pointee.shape)) }
        case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
            kind = m.sparse_tensor_type.map { .sparseTensor(tensorType($0.pointee.has_elem_type, $0.pointee.elem_type, $0.pointee.shape)) }
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
            kind = m.sequence_type.map { .sequence(elementType: $0.pointee.elem_type.map { valueType($0.pointee) }) }
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
            kind = m.optional_type.map { .optional(elementType: $0.pointee.elem_type.map { valueType($0.pointee) }) }
        case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
            kind = m.map_type.map {
                .map(keyType: int32($0.pointee.has_key_type, $0.pointee.key_type).map(ElementType.init(rawValue:)),
                     valueType: $0.pointee.value_type.map { valueType($0.pointee) })
            }
        case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE:
            kind = m.opaque_type.map { .opaque(domain: string($0.pointee.domain), name: string($0.pointee.name)) }
        default:
            kind = nil
        }
        return ValueType(value: kind, denotation: string(m.denotation))
    }

    func tensorType(_ hasElemType: protobuf_c_boolean, _ elemType: Int32,
                    _ shape: UnsafeMutablePointer<Onnx__TensorShapeProto>?) -> ValueType.TensorType {
        ValueType.TensorType(
            elementType: int32(hasElemType, elemType).map(ElementType.init(rawValue:)),
            shape: shape.map { s in
                TensorShape(dims: messages(s.pointee.n_dim, s.pointee.dim) { d in
                    let value: ONNXIR.Dimension.Value?
                    switch d.value_case {
                    case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE: value = .value(d.dim_value)
                    case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM: value = .param(string(d.dim_param) ?? "")
                    default: value = nil
                    }
                    return ONNXIR.Dimension(value, denotation: string(d.denotation))
                })
            }
        )
    }
}
