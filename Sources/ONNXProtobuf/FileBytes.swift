import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A whole file read into one 64-byte-aligned buffer that tensors may share: large
/// `raw_data` payloads become `Data` views into it instead of copies.
final class FileBytes: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let count: Int
    private let storage: Storage

    /// Small buffers come from the Swift allocator; big ones from an anonymous mapping
    /// advised to use 2 MiB pages: reading 100 MB into 4 KiB pages spent more time in
    /// page faults than in copying.
    private enum Storage {
        case heap
        case mapping(start: UnsafeMutableRawPointer, length: Int)
    }

    private static let hugePage = 2 << 20
    private static let mappingThreshold = 8 << 20

    private init(capacity: Int) {
        if capacity >= Self.mappingThreshold,
           let start = mmap(nil, capacity + Self.hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           start != MAP_FAILED {
            let aligned = (Int(bitPattern: start) + Self.hugePage - 1) & ~(Self.hugePage - 1)
            base = UnsafeMutableRawPointer(bitPattern: aligned)!
            _ = madvise(base, (capacity + Self.hugePage - 1) & ~(Self.hugePage - 1), MADV_HUGEPAGE)
            storage = .mapping(start: start, length: capacity + Self.hugePage)
        } else {
            base = .allocate(byteCount: max(capacity, 1), alignment: 64)
            storage = .heap
        }
        count = capacity
    }

    private init(taking other: FileBytes, count: Int) {
        base = other.base
        storage = other.storage
        self.count = count
        other.disowned = true
    }

    private var disowned = false

    deinit {
        guard !disowned else { return }
        switch storage {
        case .heap: base.deallocate()
        case let .mapping(start, length): munmap(start, length)
        }
    }

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
        let buffer = FileBytes(capacity: size)
        let base = buffer.base
        var done = 0
        let step = 16 << 20
        while done < size {
            let n = Glibc.read(fd, base + done, min(step, size - done))
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw ONNXProtobufError.io(file: path, reason: "cannot read: \(reason)")
            }
            if n == 0 { break }  // file shrank while reading
            done += n
            progress?(done, size)
        }
        return done == size ? buffer : FileBytes(taking: buffer, count: done)
    }

    /// An owned copy of `data`.
    static func copy(of data: Data) -> FileBytes {
        let buffer = FileBytes(capacity: data.count)
        data.withUnsafeBytes { if let p = $0.baseAddress { buffer.base.copyMemory(from: p, byteCount: data.count) } }
        return buffer
    }
}
