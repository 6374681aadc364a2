@testable import Kernels
import Foundation
import Testing

/// The round trip between the caller and pool worker 1 (`WorkerPool.roundTripNanoseconds`):
/// measured once the worker is awake (it polls for a few ms after a job), a positive time well
/// under the timeout; and nil, not a hang, where no worker can answer (a call from inside a job).
@Test("WorkerPool measures a cache line's round trip to a worker, or says it cannot")
func roundTripIsMeasuredOrNil() {
    // A pool of its own, so other tests' jobs on the shared one do not keep it busy.
    let pool = WorkerPool()
    var measured: [Double] = []
    // Other tests keep the cores busy: try for up to 5 s to find worker 1 on a core.
    let deadline = Date().addingTimeInterval(5)
    while measured.count < 3 && Date() < deadline {
        pool.run(workers: 2) { _ in }  // wakes worker 1
        if let t = pool.roundTripNanoseconds() { measured.append(t) } else { usleep(500) }
    }
    if ProcessInfo.processInfo.activeProcessorCount >= 2 {
        #expect(!measured.isEmpty, "no round trip measured in 5 s")
    }
    for t in measured { #expect(t > 0 && t < 200_000, "round trip \(t) ns") }
    var nested: Double?? = .none
    pool.run(workers: 2) { worker in
        if worker == 0 { nested = .some(pool.roundTripNanoseconds()) }
    }
    #expect(nested == .some(nil), "a call from inside a job measured \(String(describing: nested))")
}

/// One thread always counts as sharing its own cache, without measuring.
@Test("One thread shares its cache")
func oneThreadIsNear() {
    let before = CoreDistance.measurements
    #expect(CoreDistance.threadsShareCache(threads: 1))
    #expect(CoreDistance.measurements == before)
}

/// Winograd F(4×4)'s tile-row groups for threads on different dies: every tile row in one
/// group, groups within one row of each other, at least one per thread, and a multiple of the
/// thread count where the rows allow.
@Test("Winograd tile-row groups cover the rows, one or more per thread",
      arguments: [(35, 2), (56, 2), (147, 2), (9, 2), (14, 3), (5, 4)])
func winogradGroupsCoverTheRows(side: Int, threads: Int) {
    let shape = Conv2DShape(
        batch: 1, inChannels: 32, inHeight: side, inWidth: side, outChannels: 32, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
    let weights = [Float](repeating: 0.5, count: shape.weightCount)
    let conv = WinogradConv3x3(shape: shape, outputTile: 4, weights: weights, bias: nil, microKernel: .preferred)
    let count = conv.tileRowGroups(threads: threads)
    var next = 0
    var sizes: [Int] = []
    for group in 0..<count {
        let rows = conv.tileRows(ofGroup: group, of: count)
        #expect(rows.lowerBound == next && !rows.isEmpty, "group \(group) of \(count): rows \(rows)")
        sizes.append(rows.count)
        next = rows.upperBound
    }
    #expect(next == conv.tileRows)
    #expect(sizes.max()! - sizes.min()! <= 1, "rows per group \(sizes)")
    #expect(count >= min(threads, conv.tileRows))
    if conv.tileRows >= threads { #expect(count % threads == 0, "\(count) groups for \(threads) threads") }
}
