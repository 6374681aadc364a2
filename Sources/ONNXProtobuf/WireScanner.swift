import Foundation
internal import CProtobufC

/// A pass over protobuf wire data, guided by the generated descriptors, that runs before
/// protobuf-c's unpack (which recurses without a limit and allocates what lengths declare):
///
/// - rejects truncated varints, lengths past the end, invalid or group wire types, and
///   known fields with the wrong wire type, naming the byte offset;
/// - bounds message nesting (`maxDepth`) so unpacking cannot overflow the stack;
/// - estimates the memory unpacking will take and refuses inputs over `memoryBudget`;
/// - sets `bytes` payloads of at least `largeBytesThreshold` aside: the message handed to
///   protobuf-c gets a 16-byte marker instead, and the decoder swaps the marker for a
///   zero-copy view of the file (`LargeBytesTable`).
struct WireScanner {
    static let defaultMaxDepth = 100
    static let largeBytesThreshold = 4096
    static let markerLength = 16

    let bytes: UnsafeRawBufferPointer
    let file: String
    let maxDepth: Int
    /// Bytes of C structures unpacking may allocate: 64 MiB plus 32x the input.
    var memoryBudget: Int

    init(bytes: UnsafeRawBufferPointer, file: String, maxDepth: Int = defaultMaxDepth) {
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
        self.memoryBudget = (64 << 20) + 32 * bytes.count
    }

    struct Result {
        /// The message with large payloads replaced by markers; nil when nothing was set aside.
        var strippedMessage: [UInt8]?
        /// Byte ranges of the set-aside payloads, indexed by the marker's number.
        var largePayloads: [Range<Int>]
        var nonce: UInt64
    }

    /// One nested message met in pass 1: its rewritten length and how many nested
    /// messages its subtree holds (so pass 2 can copy unchanged subtrees whole).
    private struct Nested { var newLength: Int; var subtreeCount: Int }

    private final class State {
        var nested: [Nested] = []
        var large: [Range<Int>] = []
        var estimatedMemory = 0
    }

    func scan(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) throws -> Result {
        let state = State()
        let newLength = try measure(0..<bytes.count, descriptor, depth: 0, state)
        let nonce = UInt64.random(in: 1...UInt64.max)
        guard !state.large.isEmpty else { return Result(strippedMessage: nil, largePayloads: [], nonce: nonce) }
        var out = [UInt8]()
        out.reserveCapacity(newLength)
        var next = 0
        var marker = 0
        rewrite(0..<bytes.count, descriptor, state, &next, &marker, nonce, &out)
        precondition(out.count == newLength, "WireScanner: rewrite length disagrees with measure")
        return Result(strippedMessage: out, largePayloads: state.large, nonce: nonce)
    }

    // MARK: pass 1: validate, bound, measure

    private func fail(_ offset: Int, _ reason: String) -> ONNXProtobufError {
        .malformed(file: file, offset: offset, reason: reason)
    }

    private func fieldLabel(_ f: UnsafePointer<ProtobufCFieldDescriptor>?, _ number: UInt64) -> String {
        f.map { "\(String(cString: $0.pointee.name)) (\(number))" } ?? "\(number)"
    }

    private func varint(_ pos: inout Int, _ end: Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = pos
        while true {
            guard pos < end else { throw fail(start, "truncated varint") }
            let b = bytes[pos]
            pos += 1
            if shift == 63 && b > 1 { throw fail(start, "varint longer than 64 bits") }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw fail(start, "varint longer than 10 bytes") }
        }
    }

    private func field(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, _ number: UInt64) -> UnsafePointer<ProtobufCFieldDescriptor>? {
        number <= UInt64(UInt32.max) ? protobuf_c_message_descriptor_get_field(descriptor, UInt32(number)) : nil
    }

    /// Wire types protobuf-c accepts for a field (length-delimited also for packed repeated scalars).
    private func accepts(_ f: ProtobufCFieldDescriptor, wireType: UInt64) -> Bool {
        let repeated = f.label.rawValue == CType.labelRepeated
        switch f.type.rawValue {
        case CType.message, CType.string, CType.bytes:
            return wireType == 2
        case CType.float, CType.fixed32, CType.sfixed32:
            return wireType == 5 || (repeated && wireType == 2)
        case CType.double, CType.fixed64, CType.sfixed64:
            return wireType == 1 || (repeated && wireType == 2)
        default:
            return wireType == 0 || (repeated && wireType == 2)
        }
    }

    private func charge(_ amount: Int, _ state: State, at offset: Int) throws {
        state.estimatedMemory += amount
        if state.estimatedMemory > memoryBudget {
            throw ONNXProtobufError.resourceLimit(
                file: file, reason: "decoding would need more than \(memoryBudget >> 20) MiB (at byte \(offset)); refusing")
        }
    }

    /// Validates the message body in `range`; returns its length once large payloads are markers.
    private func measure(_ range: Range<Int>, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                         depth: Int, _ state: State) throws -> Int {
        var pos = range.lowerBound
        let end = range.upperBound
        var newLength = range.count
        while pos < end {
            let tagStart = pos
            let key = try varint(&pos, end)
            let number = key >> 3
            let wireType = key & 7
            guard number >= 1, number <= 0x1FFF_FFFF else { throw fail(tagStart, "invalid field number \(number)") }
            let f = field(descriptor, number)
            if let f, !accepts(f.pointee, wireType: wireType) {
                throw fail(tagStart, "field \(fieldLabel(f, number)) has wrong wire type \(wireType)")
            }
            switch wireType {
            case 0:
                _ = try varint(&pos, end)
                try charge(8, state, at: tagStart)
            case 1, 5:
                let size = wireType == 1 ? 8 : 4
                guard end - pos >= size else { throw fail(tagStart, "fixed-size field \(fieldLabel(f, number)) runs past the end") }
                pos += size
                try charge(8, state, at: tagStart)
            case 2:
                let declared = try varint(&pos, end)
                guard declared <= UInt64(end - pos) else {
                    throw fail(tagStart, "field \(fieldLabel(f, number)) declares \(declared) bytes but only \(end - pos) remain")
                }
                let length = Int(declared)
                let body = pos..<(pos + length)
                pos += length
                guard let f else { try charge(length + 32, state, at: tagStart); continue }
                switch f.pointee.type.rawValue {
                case CType.message:
                    guard depth < maxDepth else {
                        throw ONNXProtobufError.nestingTooDeep(file: file, offset: tagStart, limit: maxDepth)
                    }
                    let child = f.pointee.descriptor!.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                    try charge(child.pointee.sizeof_message + 16, state, at: tagStart)
                    let index = state.nested.count
                    state.nested.append(Nested(newLength: 0, subtreeCount: 0))
                    let childLength = try measure(body, child, depth: depth + 1, state)
                    state.nested[index] = Nested(newLength: childLength, subtreeCount: state.nested.count - index - 1)
                    newLength += (varintSize(UInt64(childLength)) + childLength) - (varintSize(declared) + length)
                case CType.bytes where length >= Self.largeBytesThreshold:
                    state.large.append(body)
                    try charge(64, state, at: tagStart)
                    newLength += (1 + Self.markerLength) - (varintSize(declared) + length)
                case CType.string:
                    // protobuf-c hands strings over NUL-terminated: "a\0b" would read as "a".
                    if length > 0, memchr(bytes.baseAddress! + body.lowerBound, 0, length) != nil {
                        throw ONNXProtobufError.unsupported(
                            file: file, offset: tagStart, reason: "string field \(fieldLabel(f, number)) contains a NUL byte")
                    }
                    try charge(length + 32, state, at: tagStart)
                case CType.bytes:
                    try charge(length + 32, state, at: tagStart)
                default:
                    // Packed scalars: at most 8 bytes of array per wire byte.
                    try charge(8 * length + 16, state, at: tagStart)
                }
            case 3, 4:
                throw fail(tagStart, "group wire types (3, 4) are not used by ONNX")
            default:
                throw fail(tagStart, "invalid wire type \(wireType)")
            }
        }
        return newLength
    }

    // MARK: pass 2: rewrite with markers

    private func rewrite(_ range: Range<Int>, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, _ state: State,
                         _ next: inout Int, _ marker: inout Int, _ nonce: UInt64, _ out: inout [UInt8]) {
        var pos = range.lowerBound
        let end = range.upperBound
        // Inputs were validated by `measure`; `try!` cannot fire here.
        while pos < end {
            let tagStart = pos
            let key = try! varint(&pos, end)
            let wireType = key & 7
            switch wireType {
            case 0: _ = try! varint(&pos, end)
            case 1: pos += 8
            case 5: pos += 4
            default:
                let lengthStart = pos
                let length = Int(try! varint(&pos, end))
                let body = pos..<(pos + length)
                pos += length
                let f = field(descriptor, key >> 3)
                if let f, f.pointee.type.rawValue == CType.message {
                    let entry = state.nested[next]
                    next += 1
                    if entry.newLength == length {
                        next += entry.subtreeCount
                    } else {
                        copy(tagStart..<lengthStart, &out)
                        appendVarint(UInt64(entry.newLength), &out)
                        let child = f.pointee.descriptor!.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                        rewrite(body, child, state, &next, &marker, nonce, &out)
                        continue
                    }
                } else if let f, f.pointee.type.rawValue == CType.bytes, length >= Self.largeBytesThreshold {
                    copy(tagStart..<lengthStart, &out)
                    out.append(UInt8(Self.markerLength))
                    withUnsafeBytes(of: nonce.littleEndian) { out.append(contentsOf: $0) }
                    withUnsafeBytes(of: UInt64(marker).littleEndian) { out.append(contentsOf: $0) }
                    marker += 1
                    continue
                }
            }
            copy(tagStart..<pos, &out)
        }
    }

    private func copy(_ range: Range<Int>, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }
}

func varintSize(_ value: UInt64) -> Int {
    var v = value
    var n = 1
    while v >= 0x80 { v >>= 7; n += 1 }
    return n
}

func appendVarint(_ value: UInt64, _ out: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
        out.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

/// protobuf-c's `ProtobufCType` / `ProtobufCLabel` values. The enumerator constants of these
/// anonymous C enums do not import into Swift, so the raw values (stable ABI) are named here.
enum CType {
    static let sfixed32: UInt32 = 2
    static let sfixed64: UInt32 = 5
    static let fixed32: UInt32 = 7
    static let fixed64: UInt32 = 9
    static let float: UInt32 = 10
    static let double: UInt32 = 11
    static let string: UInt32 = 14
    static let bytes: UInt32 = 15
    static let message: UInt32 = 16
    static let labelRepeated: UInt32 = 2
}
