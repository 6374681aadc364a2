#if canImport(Glibc)
import Glibc
#endif

/// The data cache sizes of the CPU we run on, where the OS says (Linux: `sysconf`, from CPUID),
/// for the limits that depend on what stays in cache. Hosts of this project's machine kind
/// have 1 MB (AMD Zen 4) or 2 MB (Intel Emerald Rapids) of L2 per core.
enum CacheSize {
    /// One core's L2 in bytes; 1 MB where the OS does not say.
    static let l2Bytes: Int = {
        #if os(Linux)
        let reported = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE))
        if reported >= 256 << 10 && reported <= 64 << 20 { return reported }
        #endif
        return 1 << 20
    }()
}
