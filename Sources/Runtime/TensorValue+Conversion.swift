import Foundation
import ONNXIR

extension TensorValue {
    /// The runtime value of an ONNX tensor (initializer, constant, test input).
    public init(_ tensor: Tensor) throws {
        let name = tensor.name ?? "<unnamed>"
        guard let type = tensor.dataType, Self.supportedTypes.contains(type) else {
            throw RuntimeError.unsupportedTensorType(tensor: name, type: tensor.dataType)
        }
        let shape = tensor.dims.map { Int($0) }
        do {
            switch type {
            case .float:
                self.init(shape: shape, floats: try tensor.floats())
            case .int64:
                self.init(shape: shape, int64s: try tensor.values(as: Int64.self))
            case .int32:
                let v = try tensor.values(as: Int32.self)
                self.init(shape: shape, elementType: .int32)
                for (k, x) in v.enumerated() { int32s[k] = x }
            default:
                let v = try tensor.values(as: Bool.self)
                self.init(shape: shape, elementType: .bool)
                for (k, x) in v.enumerated() { bools[k] = x ? 1 : 0 }
            }
        } catch let error as TensorDataError {
            throw RuntimeError.invalidTensor(tensor: name, reason: error.description)
        }
    }

    /// This value as an ONNX tensor with `raw_data` (for `.pb` output and tests).
    public func tensor(named name: String?) -> Tensor {
        let raw = Data(bytes: self.raw, count: byteCount)
        return Tensor(name: name, dims: shape.map(Int64.init), dataType: elementType, rawData: raw)
    }
}
