import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files written beside their destination under a temporary name and renamed into place
/// only when all of them are complete: a failed write never leaves a half-written file
/// or clobbers what was there (the original stays readable until the rename).
final class AtomicFileGroup {
    private struct Pending { var temporary: String; var destination: String; var fd: Int32 }
    private var pending: [Pending] = []
    private var committed = false

    deinit { if !committed { abandon() } }

    /// Opens a new temporary file for `destination`; returns a writer for it.
    func create(_ destination: URL) throws -> FileSink {
        let dir = destination.deletingLastPathComponent().path
        let name = destination.lastPathComponent
        for attempt in 0..<100 {
            let temporary = dir + "/." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(attempt)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                pending.append(Pending(temporary: temporary, destination: destination.path, fd: fd))
                return FileSink(fd: fd, path: destination.path)
            }
            if errno != EEXIST { throw ONNXProtobufError.io(file: destination.path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        }
        throw ONNXProtobufError.io(file: destination.path, reason: "cannot create a temporary file")
    }

    /// Flushes every file to disk and renames them into place, in creation order.
    func commit() throws {
        for p in pending {
            if fsync(p.fd) != 0 || close(p.fd) != 0 {
                let reason = String(cString: strerror(errno))
                abandon()
                throw ONNXProtobufError.io(file: p.destination, reason: "cannot write: \(reason)")
            }
        }
        for (k, p) in pending.enumerated() {
            if rename(p.temporary, p.destination) != 0 {
                let reason = String(cString: strerror(errno))
                for q in pending[k...] { unlink(q.temporary) }
                committed = true
                throw ONNXProtobufError.io(file: p.destination, reason: "cannot rename into place: \(reason)")
            }
        }
        committed = true
    }

    private func abandon() {
        for p in pending {
            close(p.fd)
            unlink(p.temporary)
        }
        pending = []
        committed = true
    }
}

/// Writes to a file descriptor, turning short writes and errors into `ONNXProtobufError.io`.
struct FileSink {
    let fd: Int32
    let path: String
    private(set) var written = 0

    mutating func write(_ chunk: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < chunk.count {
            let n = Glibc.write(fd, chunk.baseAddress! + offset, chunk.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ONNXProtobufError.io(file: path, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        written += chunk.count
    }

    mutating func writeZeros(_ count: Int) throws {
        guard count > 0 else { return }
        let zeros = [UInt8](repeating: 0, count: min(count, 1 << 16))
        var left = count
        while left > 0 {
            let n = min(left, zeros.count)
            try zeros.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= n
        }
    }
}
