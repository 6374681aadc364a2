import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// Builds the protobuf-c message tree for an ONNXIR value, in a `CArena`.
///
/// Large `bytes` payloads are not copied: the field gets a unique placeholder address and
/// `PackSink` streams the real `Data` when protobuf-c asks to append that address.
final class WireEncoder {
    let arena = CArena()
    /// Placeholder address → payload, for `bytes` of at least `largeBytesThreshold`.
    private(set) var largePayloads: [UnsafeRawPointer: Data] = [:]
    static let largeBytesThreshold = 64 * 1024
    /// The first string that cannot be represented as a C string (embedded NUL).
    private(set) var problem: ONNXProtobufError?

    // MARK: helpers

    func string(_ s: String?) -> UnsafeMutablePointer<CChar>? {
        guard let s else { return nil }
        if problem == nil, s.utf8.contains(0) {
            problem = .notEncodable(what: "string '\(s.prefix(40))'", reason: "embedded NUL bytes are not supported")
        }
        return arena.cString(s)
    }

    func strings(_ values: [String]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        (values.count, arena.array(values.map { string($0) }))
    }

    func bytes(_ d: Data) -> ProtobufCBinaryData {
        var b = ProtobufCBinaryData()
        b.len = d.count
        guard !d.isEmpty else { return b }
        if d.count >= Self.largeBytesThreshold {
            let placeholder = arena.allocate(byteCount: 1)
            largePayloads[UnsafeRawPointer(placeholder)] = d
            b.data = placeholder.assumingMemoryBound(to: UInt8.self)
        } else {
            let p = arena.allocate(byteCount: d.count)
            d.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: d.count) }
            b.data = p.assumingMemoryBound(to: UInt8.self)
        }
        return b
    }

    func byteArrays(_ values: [Data]) -> (Int, UnsafeMutablePointer<ProtobufCBinaryData>?) {
        (values.count, arena.array(values.map(bytes)))
    }

    func messages<V, M>(_ values: [V], _ make: (V) -> UnsafeMutablePointer<M>) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<M>?>?) {
        (values.count, arena.array(values.map { Optional(make($0)) }))
    }

    func set<T>(_ value: T?, _ has: inout protobuf_c_boolean, _ field: inout T) {
        if let value { has = 1; field = value }
    }

    /// protobuf-c packs a message's unknown fields after its known ones, as the `onnx`
    /// package (C++ protobuf) does, so a model read and written back keeps its bytes.
    func setUnknown(_ fields: [UnknownField], _ base: inout ProtobufCMessage) {
        guard !fields.isEmpty else { return }
        let converted = fields.map { f -> ProtobufCMessageUnknownField in
            var c = ProtobufCMessageUnknownField()
            c.tag = f.number
            c.wire_type = ProtobufCWireType(rawValue: UInt32(f.wireType))
            c.len = f.payload.count
            if !f.payload.isEmpty {
                let data = arena.allocate(byteCount: f.payload.count)
                f.payload.withUnsafeBytes { data.copyMemory(from: $0.baseAddress!, byteCount: f.payload.count) }
                c.data = data.assumingMemoryBound(to: UInt8.self)
            }
            return c
        }
        base.n_unknown_fields = UInt32(converted.count)
        base.unknown_fields = arena.array(converted)
    }

    // MARK: messages

    func model(_ v: Model) -> UnsafeMutablePointer<Onnx__ModelProto> {
        let p = arena.make(Onnx__ModelProto.self)
        onnx__model_proto__init(p)
        set(v.irVersion, &p.pointee.has_ir_version, &p.pointee.ir_version)
        (p.pointee.n_opset_import, p.pointee.opset_import) = messages(v.opsetImports, opset)
        p.pointee.producer_name = string(v.producerName)
        p.pointee.producer_version = string(v.producerVersion)
        p.pointee.domain = string(v.domain)
        set(v.modelVersion, &p.pointee.has_model_version, &p.pointee.model_version)
        p.pointee.doc_string = string(v.docString)
        p.pointee.graph = v.graph.map(graph)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        (p.pointee.n_training_info, p.pointee.training_info) = messages(v.trainingInfo, trainingInfo)
        (p.pointee.n_functions, p.pointee.functions) = messages(v.functions, function)
        (p.pointee.n_configuration, p.pointee.configuration) = messages(v.configurations, deviceConfiguration)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func opset(_ v: OperatorSetID) -> UnsafeMutablePointer<Onnx__OperatorSetIdProto> {
        let p = arena.make(Onnx__OperatorSetIdProto.self)
        onnx__operator_set_id_proto__init(p)
        p.pointee.domain = string(v.domain)
        set(v.version, &p.pointee.has_version, &p.pointee.version)
        return p
    }

    func entry(_ v: MetadataEntry) -> UnsafeMutablePointer<Onnx__StringStringEntryProto> {
        let p = arena.make(Onnx__StringStringEntryProto.self)
        onnx__string_string_entry_proto__init(p)
        p.pointee.key = string(v.key)
        p.pointee.value = string(v.value)
        return p
    }

    func trainingInfo(_ v: TrainingInfo) -> UnsafeMutablePointer<Onnx__TrainingInfoProto> {
        let p = arena.make(Onnx__TrainingInfoProto.self)
        onnx__training_info_proto__init(p)
        p.pointee.initialization = v.initialization.map(graph)
        p.pointee.algorithm = v.algorithm.map(graph)
        (p.pointee.n_initialization_binding, p.pointee.initialization_binding) = messages(v.initializationBinding, entry)
        (p.pointee.n_update_binding, p.pointee.update_binding) = messages(v.updateBinding, entry)
        return p
    }

    func function(_ v: Function) -> UnsafeMutablePointer<Onnx__FunctionProto> {
        let p = arena.make(Onnx__FunctionProto.self)
        onnx__function_proto__init(p)
        p.pointee.name = string(v.name)
        (p.pointee.n_input, p.pointee.input) = strings(v.inputs)
        (p.pointee.n_output, p.pointee.output) = strings(v.outputs)
        (p.pointee.n_attribute, p.pointee.attribute) = strings(v.attributes)
        (p.pointee.n_attribute_proto, p.pointee.attribute_proto) = messages(v.attributeProtos, attribute)
        (p.pointee.n_node, p.pointee.node) = messages(v.nodes, node)
        p.pointee.doc_string = string(v.docString)
        (p.pointee.n_opset_import, p.pointee.opset_import) = messages(v.opsetImports, opset)
        p.pointee.domain = string(v.domain)
        p.pointee.overload = string(v.overload)
        (p.pointee.n_value_info, p.pointee.value_info) = messages(v.valueInfo, valueInfo)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        return p
    }

    func deviceConfiguration(_ v: DeviceConfiguration) -> UnsafeMutablePointer<Onnx__DeviceConfigurationProto> {
        let p = arena.make(Onnx__DeviceConfigurationProto.self)
        onnx__device_configuration_proto__init(p)
        p.pointee.name = string(v.name)
        set(v.numDevices, &p.pointee.has_num_devices, &p.pointee.num_devices)
        (p.pointee.n_device, p.pointee.device) = strings(v.devices)
        return p
    }

    func graph(_ v: Graph) -> UnsafeMutablePointer<Onnx__GraphProto> {
        let p = arena.make(Onnx__GraphProto.self)
        onnx__graph_proto__init(p)
        (p.pointee.n_node, p.pointee.node) = messages(v.nodes, node)
        p.pointee.name = string(v.name)
        (p.pointee.n_initializer, p.pointee.initializer) = messages(v.initializers, tensor)
        (p.pointee.n_sparse_initializer, p.pointee.sparse_initializer) = messages(v.sparseInitializers, sparseTensor)
        p.pointee.doc_string = string(v.docString)
        (p.pointee.n_input, p.pointee.input) = messages(v.inputs, valueInfo)
        (p.pointee.n_output, p.pointee.output) = messages(v.outputs, valueInfo)
        (p.pointee.n_value_info, p.pointee.value_info) = messages(v.valueInfo, valueInfo)
        (p.pointee.n_quantization_annotation, p.pointee.quantization_annotation) = messages(v.quantizationAnnotations, tensorAnnotation)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func tensorAnnotation(_ v: TensorAnnotation) -> UnsafeMutablePointer<Onnx__TensorAnnotation> {
        let p = arena.make(Onnx__TensorAnnotation.self)
        onnx__tensor_annotation__init(p)
        p.pointee.tensor_name = string(v.tensorName)
        (p.pointee.n_quant_parameter_tensor_names, p.pointee.quant_parameter_tensor_names) = messages(v.quantParameterTensorNames, entry)
        return p
    }

    func node(_ v: Node) -> UnsafeMutablePointer<Onnx__NodeProto> {
        let p = arena.make(Onnx__NodeProto.self)
        onnx__node_proto__init(p)
        (p.pointee.n_input, p.pointee.input) = strings(v.inputs)
        (p.pointee.n_output, p.pointee.output) = strings(v.outputs)
        p.pointee.name = string(v.name)
        p.pointee.op_type = string(v.opType)
        p.pointee.domain = string(v.domain)
        p.pointee.overload = string(v.overload)
        (p.pointee.n_attribute, p.pointee.attribute) = messages(v.attributes, attribute)
        p.pointee.doc_string = string(v.docString)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        (p.pointee.n_device_configurations, p.pointee.device_configurations) = messages(v.deviceConfigurations, nodeDeviceConfiguration)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func nodeDeviceConfiguration(_ v: NodeDeviceConfiguration) -> UnsafeMutablePointer<Onnx__NodeDeviceConfigurationProto> {
        let p = arena.make(Onnx__NodeDeviceConfigurationProto.self)
        onnx__node_device_configuration_proto__init(p)
        p.pointee.configuration_id = string(v.configurationID)
        (p.pointee.n_sharding_spec, p.pointee.sharding_spec) = messages(v.shardingSpecs, shardingSpec)
        set(v.pipelineStage, &p.pointee.has_pipeline_stage, &p.pointee.pipeline_stage)
        return p
    }

    func shardingSpec(_ v: ShardingSpec) -> UnsafeMutablePointer<Onnx__ShardingSpecProto> {
        let p = arena.make(Onnx__ShardingSpecProto.self)
        onnx__sharding_spec_proto__init(p)
        p.pointee.tensor_name = string(v.tensorName)
        p.pointee.n_device = v.devices.count
        p.pointee.device = arena.array(v.devices)
        (p.pointee.n_index_to_device_group_map, p.pointee.index_to_device_group_map) = messages(v.indexToDeviceGroupMap) { e in
            let q = arena.make(Onnx__IntIntListEntryProto.self)
            onnx__int_int_list_entry_proto__init(q)
            set(e.key, &q.pointee.has_key, &q.pointee.key)
            q.pointee.n_value = e.values.count
            q.pointee.value = arena.array(e.values)
            return q
        }
        (p.pointee.n_sharded_dim, p.pointee.sharded_dim) = messages(v.shardedDims) { d in
            let q = arena.make(Onnx__ShardedDimProto.self)
            onnx__sharded_dim_proto__init(q)
            set(d.axis, &q.pointee.has_axis, &q.pointee.axis)
            (q.pointee.n_simple_sharding, q.pointee.simple_sharding) = messages(d.simpleShardings) { s in
                let r = arena.make(Onnx__SimpleShardedDimProto.self)
                onnx__simple_sharded_dim_proto__init(r)
                switch s.dim {
                case .value(let n)?: r.pointee.dim_case = ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_VALUE; r.pointee.dim_value = n
                case .param(let s)?: r.pointee.dim_case = ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_PARAM; r.pointee.dim_param = string(s)
                case nil: break
                }
                set(s.numShards, &r.pointee.has_num_shards, &r.pointee.num_shards)
                return r
            }
            return q
        }
        return p
    }

    func attribute(_ v: Attribute) -> UnsafeMutablePointer<Onnx__AttributeProto> {
        let p = arena.make(Onnx__AttributeProto.self)
        onnx__attribute_proto__init(p)
        p.pointee.name = string(v.name)
        p.pointee.ref_attr_name = string(v.refAttrName)
        p.pointee.doc_string = string(v.docString)
        set(v.type?.rawValue, &p.pointee.has_type, &p.pointee.type)
        set(v.f, &p.pointee.has_f, &p.pointee.f)
        set(v.i, &p.pointee.has_i, &p.pointee.i)
        set(v.s.map(bytes), &p.pointee.has_s, &p.pointee.s)
        p.pointee.t = v.t.map(tensor)
        p.pointee.g = v.g.map(graph)
        p.pointee.sparse_tensor = v.sparseTensor.map(sparseTensor)
        p.pointee.tp = v.tp.map(valueType)
        p.pointee.n_floats = v.floats.count
        p.pointee.floats = arena.array(v.floats)
        p.pointee.n_ints = v.ints.count
        p.pointee.ints = arena.array(v.ints)
        (p.pointee.n_strings, p.pointee.strings) = byteArrays(v.strings)
        (p.pointee.n_tensors, p.pointee.tensors) = messages(v.tensors, tensor)
        (p.pointee.n_graphs, p.pointee.graphs) = messages(v.graphs, graph)
        (p.pointee.n_sparse_tensors, p.pointee.sparse_tensors) = messages(v.sparseTensors, sparseTensor)
        (p.pointee.n_type_protos, p.pointee.type_protos) = messages(v.typeProtos, valueType)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func tensor(_ v: Tensor) -> UnsafeMutablePointer<Onnx__TensorProto> {
        let p = arena.make(Onnx__TensorProto.self)
        onnx__tensor_proto__init(p)
        p.pointee.n_dims = v.dims.count
        p.pointee.dims = arena.array(v.dims)
        set(v.dataType?.rawValue, &p.pointee.has_data_type, &p.pointee.data_type)
        if let segment = v.segment {
            let s = arena.make(Onnx__TensorProto__Segment.self)
            onnx__tensor_proto__segment__init(s)
            set(segment.begin, &s.pointee.has_begin, &s.pointee.begin)
            set(segment.end, &s.pointee.has_end, &s.pointee.end)
            p.pointee.segment = s
        }
        p.pointee.n_float_data = v.floatData.count
        p.pointee.float_data = arena.array(v.floatData)
        p.pointee.n_int32_data = v.int32Data.count
        p.pointee.int32_data = arena.array(v.int32Data)
        (p.pointee.n_string_data, p.pointee.string_data) = byteArrays(v.stringData)
        p.pointee.n_int64_data = v.int64Data.count
        p.pointee.int64_data = arena.array(v.int64Data)
        p.pointee.name = string(v.name)
        p.pointee.doc_string = string(v.docString)
        set(v.rawData.map(bytes), &p.pointee.has_raw_data, &p.pointee.raw_data)
        (p.pointee.n_external_data, p.pointee.external_data) = messages(v.externalData, entry)
        set(v.dataLocation?.rawValue, &p.pointee.has_data_location, &p.pointee.data_location)
        p.pointee.n_double_data = v.doubleData.count
        p.pointee.double_data = arena.array(v.doubleData)
        p.pointee.n_uint64_data = v.uint64Data.count
        p.pointee.uint64_data = arena.array(v.uint64Data)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func sparseTensor(_ v: SparseTensor) -> UnsafeMutablePointer<Onnx__SparseTensorProto> {
        let p = arena.make(Onnx__SparseTensorProto.self)
        onnx__sparse_tensor_proto__init(p)
        p.pointee.values = v.values.map(tensor)
        p.pointee.indices = v.indices.map(tensor)
        p.pointee.n_dims = v.dims.count
        p.pointee.dims = arena.array(v.dims)
        return p
    }

    func valueInfo(_ v: ValueInfo) -> UnsafeMutablePointer<Onnx__ValueInfoProto> {
        let p = arena.make(Onnx__ValueInfoProto.self)
        onnx__value_info_proto__init(p)
        p.pointee.name = string(v.name)
        p.pointee.type = v.type.map(valueType)
        p.pointee.doc_string = string(v.docString)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = messages(v.metadataProps, entry)
        setUnknown(v.unknownFields, &p.pointee.base)
        return p
    }

    func valueType(_ v: ValueType) -> UnsafeMutablePointer<Onnx__TypeProto> {
        let p = arena.make(Onnx__TypeProto.self)
        onnx__type_proto__init(p)
        p.pointee.denotation = string(v.denotation)
        switch v.value {
        case .tensor(let t)?:
            let q = arena.make(Onnx__TypeProto__Tensor.self)
            onnx__type_proto__tensor__init(q)
            set(t.elementType?.rawValue, &q.pointee.has_elem_type, &q.pointee.elem_type)
            q.pointee.shape = t.shape.map(shape)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
            p.pointee.tensor_type = q
        case .sparseTensor(let t)?:
            let q = arena.make(Onnx__TypeProto__SparseTensor.self)
            onnx__type_proto__sparse_tensor__init(q)
            set(t.elementType?.rawValue, &q.pointee.has_elem_type, &q.pointee.elem_type)
            q.pointee.shape = t.shape.map(shape)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE
            p.pointee.sparse_tensor_type = q
        case .sequence(let element)?:
            let q = arena.make(Onnx__TypeProto__Sequence.self)
            onnx__type_proto__sequence__init(q)
            q.pointee.elem_type = element.map(valueType)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE
            p.pointee.sequence_type = q
        case .optional(let element)?:
            let q = arena.make(Onnx__TypeProto__Optional.self)
            onnx__type_proto__optional__init(q)
            q.pointee.elem_type = element.map(valueType)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE
            p.pointee.optional_type = q
        case .map(let key, let value)?:
            let q = arena.make(Onnx__TypeProto__Map.self)
            onnx__type_proto__map__init(q)
            set(key?.rawValue, &q.pointee.has_key_type, &q.pointee.key_type)
            q.pointee.value_type = value.map(valueType)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE
            p.pointee.map_type = q
        case .opaque(let domain, let name)?:
            let q = arena.make(Onnx__TypeProto__Opaque.self)
            onnx__type_proto__opaque__init(q)
            q.pointee.domain = string(domain)
            q.pointee.name = string(name)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE
            p.pointee.opaque_type = q
        case nil:
            break
        }
        return p
    }

    func shape(_ v: TensorShape) -> UnsafeMutablePointer<Onnx__TensorShapeProto> {
        let p = arena.make(Onnx__TensorShapeProto.self)
        onnx__tensor_shape_proto__init(p)
        (p.pointee.n_dim, p.pointee.dim) = messages(v.dims) { d in
            let q = arena.make(Onnx__TensorShapeProto__Dimension.self)
            onnx__tensor_shape_proto__dimension__init(q)
            switch d.value {
            case .value(let n)?: q.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE; q.pointee.dim_value = n
            case .param(let s)?: q.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM; q.pointee.dim_param = string(s)
            case nil: break
            }
            q.pointee.denotation = string(d.denotation)
            return q
        }
        return p
    }
}
