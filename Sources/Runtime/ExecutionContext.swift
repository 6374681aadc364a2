import Kernels
import ONNXIR

/// What kernels get besides their inputs: the thread count and the arena to allocate from.
public struct ExecutionContext: @unchecked Sendable {
    public var threads: Int
    public var pool: BufferPool
    /// Floating-point operations of the convolutions and matrix products run so far.
    let flops = FlopCounter()

    public init(threads: Int, pool: BufferPool = BufferPool()) {
        self.threads = max(1, threads)
        self.pool = pool
    }

    /// Where the running step's output goes when the plan placed it (a view of a Concat's
    /// output: `ConcatPlacement`), or the Concat's output itself; nil otherwise.
    var destination: TensorValue?

    /// Whether the running step's residual input may be overwritten with its output: the step
    /// is that value's last reader and nothing else holds its storage (see `Session.run`).
    var residualIsDisposable = false

    /// A fresh output value (uninitialized) from the arena.
    func output(_ shape: [Int], _ type: ElementType = .float) -> TensorValue {
        TensorValue(shape: shape, elementType: type, pool: pool)
    }

    /// The step's result: `destination` when it has this shape and type, else a fresh output.
    func result(_ shape: [Int], _ type: ElementType = .float) -> TensorValue {
        if let d = destination, d.shape == shape, d.elementType == type { return d }
        return output(shape, type)
    }

    /// Runs `body` over `0..<count` split into contiguous chunks, one per thread, when the work
    /// (`count * cost`) is large enough to pay for the dispatch.
    func parallelFor(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 || count * cost < 32_768 {
            body(0..<count)
            return
        }
        let chunk = (count + workers - 1) / workers
        WorkerPool.shared.run(workers: workers) { w in
            let lo = w * chunk
            let hi = min(count, lo + chunk)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Counts FLOPs across the kernels of one run (nodes run one after another).
final class FlopCounter: @unchecked Sendable {
    var value: Double = 0
    func add(_ n: Double) { value += n }
}
