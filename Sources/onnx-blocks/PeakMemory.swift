import Foundation

/// This process's own peak resident memory, for `bench` and `read-bench`.
///
/// On Linux it is VmHWM from /proc/self/status: getrusage's ru_maxrss also counts the parent's
/// peak inherited across fork + exec (a Python driver that loaded a 500 MB model made every
/// child it started report 500 MB).
enum PeakMemory {
    static func residentBytes() -> Int {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return -1 }
        return kB * 1024
        #else
        var usage = rusage()
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }
}
