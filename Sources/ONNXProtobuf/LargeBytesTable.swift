import Foundation
internal import CProtobufC

/// Maps the markers `WireScanner` put in place of large `bytes` payloads back to zero-copy
/// views of the file buffer. A marker is 16 bytes: a random per-read nonce, then the index.
struct LargeBytesTable {
    let ranges: [Range<Int>]
    let nonce: UInt64
    let file: FileBytes

    init(scan: WireScanner.Result, file: FileBytes) {
        ranges = scan.largePayloads
        nonce = scan.nonce
        self.file = file
    }

    func slice(for b: ProtobufCBinaryData) -> Data? {
        guard b.len == WireScanner.markerLength, let p = b.data else { return nil }
        let raw = UnsafeRawPointer(p)
        guard UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) == nonce else { return nil }
        let index = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard index < UInt64(ranges.count) else { return nil }
        return file.slice(ranges[Int(index)])
    }
}
