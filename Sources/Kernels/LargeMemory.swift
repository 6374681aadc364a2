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
        free(pointer)
    }
}
