@testable import Kernels
import Foundation
import Synchronization
import Testing

/// Shares are contiguous and cover the items once, in worker order, with sizes differing
/// by at most one: what keeps the same part of a tensor on the same core from layer to layer.
@Test("WorkShares cut the items into contiguous shares in worker order", arguments: [(10, 2), (7, 3), (3, 3), (1000, 4)])
func workSharesAreContiguous(items: Int, workers: Int) {
    let shares = WorkShares(items: items, workers: workers)
    var next = 0
    for w in 0..<workers {
        var share: [Int] = []
        while true {
            let taken = shares.takeFront(of: w, count: 2)
            if taken.isEmpty { break }
            share += Array(taken)
        }
        #expect(share == Array(next..<(next + share.count)), "worker \(w) took \(share)")
        #expect(abs(share.count - items / workers) <= 1)
        next += share.count
    }
    #expect(next == items)
    #expect(shares.steal(for: 0, count: 1).isEmpty)
}

/// A thief takes from the far end of the next non-empty share after its own, and the owner
/// then stops where the thief began.
@Test("WorkShares: stealing takes the back of the next non-empty share")
func workSharesStealFromTheBack() {
    let shares = WorkShares(items: 12, workers: 3)  // 0..<4, 4..<8, 8..<12
    #expect(shares.takeFront(of: 1, count: 4) == 4..<8)
    #expect(shares.steal(for: 0, count: 3) == 9..<12)  // share 1 is empty: share 2's back
    #expect(shares.steal(for: 1, count: 3) == 8..<9)   // what share 2 has left
    #expect(shares.steal(for: 1, count: 3) == 1..<4)   // then share 0's back
    #expect(shares.takeFront(of: 0, count: 4) == 0..<1)
    #expect(shares.takeFront(of: 0, count: 4).isEmpty)
    #expect(shares.steal(for: 2, count: 1).isEmpty)
}

/// With one worker held up, `Parallel.forEach` still runs every item exactly once and the
/// others finish the held-up worker's share; unhindered, each worker runs its own share.
@Test("Parallel.forEach: a held-up worker's share is finished by the others")
func parallelForEachFinishesAHeldUpShare() {
    let items = 64
    for _ in 0..<50 {
        let runs = Mutex([Int](repeating: 0, count: items))
        let ranBy = Mutex([Int](repeating: -1, count: items))
        Parallel.forEach(items: items, threads: 2) { item, worker in
            if worker == 1 && item == items / 2 { usleep(20_000) }
            runs.withLock { $0[item] += 1 }
            ranBy.withLock { $0[item] = worker }
        }
        #expect(runs.withLock { $0 } == [Int](repeating: 1, count: items))
        // Worker 1 sat 20 ms on its first item: worker 0 ran the rest of share 1.
        let byZero = ranBy.withLock { $0 }.filter { $0 == 0 }.count
        #expect(byZero >= items - 2, "worker 0 ran \(byZero) of \(items) items")
    }
}

/// More items than a share's packed word holds run as consecutive parts, each item once.
@Test("Parallel.forEach runs more items than one set of shares holds as parts")
func parallelForEachRunsParts() {
    let runs = Mutex([Int](repeating: 0, count: 103))
    Parallel.forEach(items: 103, threads: 2, partLimit: 10) { item, _ in runs.withLock { $0[item] += 1 } }
    #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 103))
}

/// Worker 1 takes its first claim and stalls; worker 0 runs its own share, then every item of
/// worker 1's that is left, from the far end, and nothing twice (the claims `forEach` makes,
/// run on one thread in a fixed order).
@Test("WorkShares: a stalled worker's share is finished by the other")
func workSharesFinishAStalledShare() {
    let shares = WorkShares(items: 64, workers: 2)
    let stalled = shares.takeFront(of: 1, count: 2)
    #expect(stalled == 32..<34)
    var ranByZero: [Int] = []
    while true {
        let taken = shares.takeFront(of: 0, count: 2)
        if taken.isEmpty { break }
        ranByZero += taken
    }
    #expect(ranByZero == Array(0..<32))
    while true {
        let taken = shares.steal(for: 0, count: 2)
        if taken.isEmpty { break }
        ranByZero += taken.reversed()
    }
    #expect(ranByZero.count == 62)
    #expect(Set(ranByZero) == Set(0..<64).subtracting(32..<34))
    #expect(Array(ranByZero[32...]) == Array((34..<64).reversed()))
    #expect(shares.takeFront(of: 1, count: 2).isEmpty)
}
