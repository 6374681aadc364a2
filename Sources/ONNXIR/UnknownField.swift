import Foundation

/// A field this build's `onnx.proto` does not define (a newer ONNX may write one), kept
/// opaquely so that read → IR → write gives back what was read, as the `onnx` package does.
/// `payload` is the field's bytes after the tag, exactly as on the wire (for a
/// length-delimited field, the length prefix included).
public struct UnknownField: Sendable, Equatable, Hashable {
    /// The field number.
    public var number: UInt32
    /// The protobuf wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
    public var wireType: UInt8
    public var payload: Data

    public init(number: UInt32, wireType: UInt8, payload: Data) {
        self.number = number
        self.wireType = wireType
        self.payload = payload
    }
}
