import Foundation
import ONNXIR
#if canImport(Glibc)
import Glibc
#endif

/// Resolves tensors whose data lives in external files (`data_location = EXTERNAL`) into
/// `rawData`, refusing everything the ONNX external-data CVEs exploited: absolute paths,
/// `..`, symbolic links resolving outside the model's folder, hard links, unknown keys,
/// and ranges past the end of the file.
struct ExternalDataLoader {
    let baseDirectory: URL?
    /// Compare each file's SHA-1 with the tensor's `checksum` entry, when it has one (the
    /// spec: "SHA1 digest of file specified in under 'location' key").
    var verifyChecksums = true

    static let knownKeys: Set<String> = ["location", "offset", "length", "checksum"]

    /// A validated reference: which file and which bytes.
    struct Reference: Equatable {
        var location: String
        var offset: Int64
        var length: Int64?
        /// Lowercase hex SHA-1 of the whole file, when the tensor declares one.
        var checksum: String?
    }

    func load(into model: inout Model) throws {
        var files = OpenFiles()
        defer { files.closeAll() }
        try model.updateAllTensors { tensor in
            guard tensor.isExternal else { return }
            let name = tensor.name ?? "<unnamed>"
            let reference = try Self.reference(of: tensor)
            let problem = { (p: ExternalDataProblem) in ONNXProtobufError.externalData(tensor: name, location: reference.location, problem: p) }
            guard let base = baseDirectory else { throw problem(.noBaseDirectory) }
            let file = try files.open(reference.location, in: base, problem)
            if verifyChecksums, let expected = reference.checksum {
                let actual = try files.checksum(of: file, problem)
                guard actual == expected else { throw problem(.checksumMismatch(expected: expected, actual: actual)) }
            }
            let size = file.size
            guard reference.offset <= size else { throw problem(.pastEndOfFile(offset: reference.offset, length: reference.length, fileSize: size)) }
            let length = reference.length ?? (size - reference.offset)
            guard length <= size - reference.offset else {
                throw problem(.pastEndOfFile(offset: reference.offset, length: reference.length, fileSize: size))
            }
            tensor.rawData = try file.read(offset: reference.offset, length: Int(length), problem)
            tensor.dataLocation = .default
            tensor.externalData = []
        }
    }

    /// Parses and checks a tensor's `external_data` entries (no file access).
    static func reference(of tensor: Tensor) throws -> Reference {
        let name = tensor.name ?? "<unnamed>"
        var values: [String: String] = [:]
        let location = tensor.externalDataValue("location") ?? ""
        let problem = { (p: ExternalDataProblem) in ONNXProtobufError.externalData(tensor: name, location: location, problem: p) }
        for entry in tensor.externalData {
            let key = entry.key ?? ""
            guard knownKeys.contains(key) else { throw problem(.unknownKey(key)) }
            guard values[key] == nil else { throw problem(.duplicateKey(key)) }
            values[key] = entry.value ?? ""
        }
        guard !location.isEmpty else { throw problem(.missingLocation) }
        try checkRelativePath(location, problem)
        func number(_ key: String) throws -> Int64? {
            guard let text = values[key] else { return nil }
            guard let n = Int64(text), n >= 0 else { throw problem(.invalidNumber(key: key, value: text)) }
            return n
        }
        var checksum: String?
        if let text = values["checksum"] {
            let digest = text.lowercased()
            guard digest.count == 40, digest.allSatisfy({ $0.isHexDigit }) else { throw problem(.invalidChecksum(text)) }
            checksum = digest
        }
        return Reference(location: location, offset: try number("offset") ?? 0, length: try number("length"), checksum: checksum)
    }

    /// Rejects absolute paths and any `..` component (before touching the file system).
    static func checkRelativePath(_ location: String, _ problem: (ExternalDataProblem) -> ONNXProtobufError) throws {
        guard !location.hasPrefix("/") else { throw problem(.absolutePath) }
        guard !location.utf8.contains(0) else { throw problem(.cannotOpen(reason: "NUL in path")) }
        let components = location.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { throw problem(.escapesModelFolder) }
        guard !components.isEmpty else { throw problem(.missingLocation) }
    }
}

/// Open external-data files, one descriptor per resolved path.
struct OpenFiles {
    struct File {
        var fd: Int32
        var size: Int64
        var path: String

        func read(offset: Int64, length: Int, _ problem: (ExternalDataProblem) -> ONNXProtobufError) throws -> Data {
            var data = Data(count: length)
            try data.withUnsafeMutableBytes { buffer in
                var done = 0
                while done < length {
                    let n = pread(fd, buffer.baseAddress! + done, min(length - done, 64 << 20), off_t(offset) + off_t(done))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw problem(.cannotOpen(reason: "read failed: \(String(cString: strerror(errno)))"))
                    }
                    if n == 0 { throw problem(.pastEndOfFile(offset: offset, length: Int64(length), fileSize: Int64(done) + offset)) }
                    done += n
                }
            }
            return data
        }
    }

    private var byPath: [String: File] = [:]

    mutating func open(_ location: String, in base: URL,
                       _ problem: (ExternalDataProblem) -> ONNXProtobufError) throws -> File {
        guard let realBase = realPath(base.path) else { throw problem(.cannotOpen(reason: "model folder cannot be resolved")) }
        let candidate = realBase + "/" + location
        guard let resolved = realPath(candidate) else {
            throw problem(.cannotOpen(reason: String(cString: strerror(errno))))
        }
        guard resolved.hasPrefix(realBase == "/" ? "/" : realBase + "/") else {
            throw problem(.symlinkOutsideModelFolder(resolved: resolved))
        }
        if let file = byPath[resolved] { return file }
        let fd = Glibc.open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw problem(.cannotOpen(reason: String(cString: strerror(errno)))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw problem(.cannotOpen(reason: String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { close(fd); throw problem(.notARegularFile) }
        guard info.st_nlink <= 1 else { close(fd); throw problem(.hardLink(linkCount: Int(info.st_nlink))) }
        let file = File(fd: fd, size: Int64(info.st_size), path: resolved)
        byPath[resolved] = file
        return file
    }

    private var digests: [String: String] = [:]

    /// SHA-1 of the whole file (once per file), read in 8 MiB pieces.
    mutating func checksum(of file: File, _ problem: (ExternalDataProblem) -> ONNXProtobufError) throws -> String {
        if let known = digests[file.path] { return known }
        var hasher = SHA1()
        var offset: Int64 = 0
        while offset < file.size {
            let piece = try file.read(offset: offset, length: Int(min(8 << 20, file.size - offset)), problem)
            hasher.update(piece)
            offset += Int64(piece.count)
        }
        let digest = hasher.finalize()
        digests[file.path] = digest
        return digest
    }

    mutating func closeAll() {
        for file in byPath.values { close(file.fd) }
        byPath = [:]
    }

    private func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
