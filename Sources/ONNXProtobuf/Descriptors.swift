internal import CONNXProto
internal import CProtobufC

/// The real addresses of the generated descriptors. Swift imports the C `const` globals as
/// values, and taking their address yields a temporary copy, so we read the pointer the
/// generated `__init` function stores in a fresh message.
enum Descriptors {
    static let model: UnsafePointer<ProtobufCMessageDescriptor> = {
        var m = Onnx__ModelProto()
        onnx__model_proto__init(&m)
        return m.base.descriptor
    }()

    static let tensor: UnsafePointer<ProtobufCMessageDescriptor> = {
        var m = Onnx__TensorProto()
        onnx__tensor_proto__init(&m)
        return m.base.descriptor
    }()
}
