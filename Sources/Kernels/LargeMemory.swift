#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocation of large arrays (activations, scratch copies) on transparent huge pages.
///
/// Convolutions in NCHW read many channel planes at once: a 16-pixel strip of a 3×3 im2col
/// touches one row in each of hundreds of planes, each in a different 4 KiB page, so with
/// small pages the TLB, not the cache, limits the packing loops. Blocks of at least
/// `hugeThreshold` bytes are 2 MiB aligned, sized in whole 2 MiB pages and marked
/// `MADV_HUGEPAGE` (Linux; elsewhere, and when the kernel declines, they are ordinary
/// memory). Everything from `allocate` goes back through `deallocate` (it is `malloc`
/// memory).
public enum LargeMemory {
    public static let hugePageBytes = 2 << 20
    /// Blocks this large or larger use huge pages.
    public static let hugeThreshold = 1 << 20

    /// `byteCount` rounded to what `allocate` reserves (whole huge pages above the threshold).
    public static func roundedSize(_ byteCount: Int) -> Int {
        byteCount >= hugeThreshold ? (byteCount + hugePageBytes - 1) / hugePageBytes * hugePageBytes : byteCount
    }

    /// At least 64-byte aligned, uninitialized. With `hugePages: false` (long-lived data such
    /// as weights, where rounding up to whole huge pages would only cost memory) the block is
    /// ordinary memory of the size asked for.
    public static func allocate(byteCount: Int, hugePages: Bool = true) -> UnsafeMutableRawPointer {
        #if os(Linux)
        if !hugePages, byteCount >= mappedThreshold { return MappedBlocks.shared.map(byteCount) }
        #endif
        let size = max(hugePages ? roundedSize(byteCount) : byteCount, 64)
        let huge = hugePages && size >= hugeThreshold
        var result: UnsafeMutableRawPointer?
        let status = posix_memalign(&result, huge ? hugePageBytes : 64, size)
        guard status == 0, let pointer = result else {
            fatalError("out of memory allocating \(size) bytes")
        }
        #if os(Linux)
        if huge { _ = madvise(pointer, size, 14 /* MADV_HUGEPAGE */) }
        #endif
        return pointer
    }

    public static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        #if os(Linux)
        if MappedBlocks.shared.unmap(pointer) { return }
        #endif
        free(pointer)
    }

    /// Long-lived blocks this large or larger (weights, constants) are mapped pages of their
    /// own, so that freeing one returns its memory to the system at once. From `malloc` they
    /// would stay resident in the heap: glibc raises its mmap threshold to 32 MiB once a large
    /// mapped block (the model file) is freed, and weights released after packing then kept
    /// the process at its loading peak.
    public static let mappedThreshold = 256 << 10
}

#if os(Linux)
/// Anonymous mappings made by `LargeMemory.allocate`, by address, so `deallocate` knows to
/// unmap them (and how much).
final class MappedBlocks: @unchecked Sendable {
    static let shared = MappedBlocks()
    private var lengths: [UnsafeMutableRawPointer: Int] = [:]
    private var lock = pthread_mutex_t()

    private init() { pthread_mutex_init(&lock, nil) }

    func map(_ byteCount: Int) -> UnsafeMutableRawPointer {
        guard let pointer = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              pointer != MAP_FAILED else {
            fatalError("out of memory mapping \(byteCount) bytes")
        }
        pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
        lengths[pointer] = byteCount
        return pointer
    }

    /// Unmaps `pointer` if `map` made it; false otherwise.
    func unmap(_ pointer: UnsafeMutableRawPointer) -> Bool {
        pthread_mutex_lock(&lock)
        let length = lengths.removeValue(forKey: pointer)
        pthread_mutex_unlock(&lock)
        guard let length else { return false }
        munmap(pointer, length)
        return true
    }
}
#endif
