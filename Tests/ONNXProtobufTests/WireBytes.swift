import Foundation

/// Hand encoding of protobuf wire data for tests: expected values come from the wire
/// format itself, not from our writer.
enum WireBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
        return out
    }
    static func key(_ field: UInt64, _ wire: UInt64) -> [UInt8] { varint(field << 3 | wire) }
    static func int(_ field: UInt64, _ value: UInt64) -> [UInt8] { key(field, 0) + varint(value) }
    static func bytes(_ field: UInt64, _ payload: [UInt8]) -> [UInt8] { key(field, 2) + varint(UInt64(payload.count)) + payload }
    static func string(_ field: UInt64, _ text: String) -> [UInt8] { bytes(field, Array(text.utf8)) }
}
