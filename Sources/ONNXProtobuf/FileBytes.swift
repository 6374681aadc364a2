import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A whole file read into one 64-byte-aligned buffer that tensors may share: large
/// `raw_data` payloads become `Data` views into it instead of copies.
final class FileBytes: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let count: Int

    private init(base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { base.deallocate() }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// A `Data` over `range` that keeps this buffer alive (no copy).
    func slice(_ range: Range<Int>) -> Data {
        guard !range.isEmpty else { return Data() }
        return Data(bytesNoCopy: base + range.lowerBound, count: range.count,
                    deallocator: .custom { [self] _, _ in _ = self })
    }

    /// Reads the regular file at `path`; `progress` is told bytes read so far.
    static func read(path: String, progress: ((Int, Int) -> Void)? = nil) throws -> FileBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ONNXProtobufError.io(file: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ONNXProtobufError.io(file: path, reason: "cannot stat: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ONNXProtobufError.io(file: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 64)
        var done = 0
        let step = 16 << 20
        while done < size {
            let n = Glibc.read(fd, base + done, min(step, size - done))
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                base.deallocate()
                throw ONNXProtobufError.io(file: path, reason: "cannot read: \(reason)")
            }
            if n == 0 { break }  // file shrank while reading
            done += n
            progress?(done, size)
        }
        return FileBytes(base: base, count: done)
    }

    /// An owned copy of `data`.
    static func copy(of data: Data) -> FileBytes {
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        data.withUnsafeBytes { if let p = $0.baseAddress { base.copyMemory(from: p, byteCount: data.count) } }
        return FileBytes(base: base, count: data.count)
    }
}
