import Foundation
import ONNXIR

/// A model prepared for inference: validated, constant-folded, fused, weights pre-packed.
///
/// Build once, run many times. Everything that can fail without data (unknown operator,
/// unsupported type, dangling tensor, bad attribute on a constant path) fails in `init`,
/// before any node runs on caller input.
///
/// Thread safety: one session may be shared by several threads, and their `run`s proceed
/// concurrently. Each run keeps its tensors in its own slot array; the state runs share
/// (shape cache, profile, FLOP count) sits behind `stateLock`; the arena (`BufferPool`), the
/// worker pool and the pre-packed kernels lock themselves. Hence `@unchecked Sendable`.
public final class Session: @unchecked Sendable {
    public let options: SessionOptions
    /// Inputs the caller feeds (graph inputs that are not initializers).
    public let inputs: [InputDescription]
    /// Names `run` returns, in order.
    public let outputNames: [String]
    /// Every tensor name in the graph, in production order (for `--intermediates`).
    public let tensorNames: [String]
    /// Floating-point work of one run at the last input shape (multiply-add = 2).
    public var lastFlops: Double { stateLock.withLock { state.lastFlops } }
    /// Concat inputs the last run found already in place (`ConcatPlacement`; 0 on a first run).
    var lastConcatInputsInPlace: Int { stateLock.withLock { state.lastInputsInPlace } }
    /// Of those, the members of merged convolutions (written with their whole stacked result).
    var lastStackedInputsInPlace: Int { stateLock.withLock { state.lastStackedInPlace } }
    /// Fused convolutions of the last run allowed to write their output over their residual
    /// input (`isDisposable`; the packed kernels do, depthwise ones write a fresh output).
    var lastResidualsOverwritten: Int { stateLock.withLock { state.lastResidualsOverwritten } }

    /// Whether `step` may write its output over the value in `slot`: the step is the value's
    /// last reader (the slot is released after it), the value is not the step's other input,
    /// and its storage is held by that value alone: not by a feed (the caller holds it), a
    /// constant (the plan), a shape-cache entry, a reshaped view or a Concat output it lies in.
    /// Then the fused epilogue reads each residual element just before it stores the output
    /// element in its place, and the output needs no fresh buffer, whose lines the stores
    /// would first have to fetch.
    private static func isDisposable(slot: Int, of step: Step, in values: inout [TensorValue?]) -> Bool {
        guard slot >= 0, step.releases.contains(slot), step.inputs.first != slot,
              values[slot] != nil, values[slot]!.byteOffset == 0, values[slot]!.elementType == .float
        else { return false }
        return isKnownUniquelyReferenced(&values[slot]!.storage)
    }

    /// When true, `run` accumulates wall time per step (node name, or the first fused node's
    /// name) into `stepProfile`.
    public var profiling: Bool {
        get { stateLock.withLock { state.profiling } }
        set { stateLock.withLock { state.profiling = newValue } }
    }
    public var stepProfile: [String: (op: String, calls: Int, nanoseconds: UInt64)] { stateLock.withLock { state.stepProfile } }

    /// What runs share, guarded by `stateLock`.
    private struct SharedState {
        var lastFlops: Double = 0
        var profiling = false
        var stepProfile: [String: (op: String, calls: Int, nanoseconds: UInt64)] = [:]
        var shapeCache: [String: [Int: TensorValue]] = [:]
        /// Per input-shape key: each placed Concat's layout (by join), from the first run.
        var concatLayouts: [String: [Int: ConcatPlacement.Layout]] = [:]
        var lastInputsInPlace = 0
        var lastStackedInPlace = 0
        var lastResidualsOverwritten = 0
    }
    private var state = SharedState()
    private let stateLock = NSLock()

    /// `stepProfile` summed per operator (fused steps under their joined name, e.g.
    /// `Conv+Add+Relu`).
    public var profile: [String: (calls: Int, nanoseconds: UInt64)] {
        var byOperator: [String: (calls: Int, nanoseconds: UInt64)] = [:]
        for entry in stepProfile.values {
            let old = byOperator[entry.op] ?? (0, 0)
            byOperator[entry.op] = (old.calls + entry.calls, old.nanoseconds + entry.nanoseconds)
        }
        return byOperator
    }

    let plan: Plan
    private let pool = BufferPool()

    public init(model: Model, options: SessionOptions = SessionOptions()) throws {
        self.options = options
        let plan = try Planner(model: model, options: options).makePlan()
        self.plan = plan
        self.inputs = plan.inputs
        self.outputNames = plan.outputNames
        self.tensorNames = plan.tensorNames
    }

    /// Runs the graph. `feeds` must hold every input in `inputs`, with the declared element
    /// type and a shape matching the declared dims (symbols bound consistently).
    public func run(_ feeds: [String: TensorValue]) throws -> [String: TensorValue] {
        let key = try checkFeeds(feeds)
        var context = ExecutionContext(threads: options.threads, pool: pool)
        var values = [TensorValue?](repeating: nil, count: plan.slotCount)
        for (slot, value) in plan.constants { values[slot] = value }
        for (name, value) in feeds { values[plan.slots[name]!] = value }
        let (cached, profiling, layouts) = stateLock.withLock {
            (state.shapeCache[key], state.profiling, state.concatLayouts[key])
        }
        if let cached { for (slot, value) in cached { values[slot] = value } }
        var computedShapes: [Int: TensorValue] = [:]
        let concats = plan.concats
        var recordedLayouts: [Int: ConcatPlacement.Layout] = [:]
        var placed = layouts.map { ConcatPlacement.Run(concats, layouts: $0) }
        var inputsInPlace = 0, stackedInPlace = 0, residualsOverwritten = 0
        var timings: [(step: Int, nanoseconds: UInt64)] = []
        for (index, step) in plan.steps.enumerated() {
            if step.shapeOnly, cached != nil { continue }
            // Output sizes follow from the input shapes alone (shape inputs derive from shapes
            // and constants), so a shape key that already ran is within budget: check once.
            if !step.guarded.isEmpty, cached == nil {
                try MemoryBudget.check(step.guarded, opset: plan.opset, limit: options.maxMemory, live: pool.liveBytes) { name in
                    if let slot = plan.slots[name], let value = values[slot] { return MemoryBudget.facts(value) }
                    return plan.constantFacts[name]
                }
            }
            context.destination = placed?.destination(forStep: index, context)
            context.residualIsDisposable = step.residualSlot.map {
                Self.isDisposable(slot: $0, of: step, in: &values)
            } ?? false
            if context.residualIsDisposable { residualsOverwritten += 1 }
            let args = step.inputs.map { $0 < 0 ? nil : values[$0] }
            let results: [TensorValue]
            let started = profiling ? DispatchTime.now().uptimeNanoseconds : 0
            defer {
                if profiling { timings.append((index, DispatchTime.now().uptimeNanoseconds - started)) }
            }
            do {
                results = try step.kernel(args, context)
            } catch let error as KernelError {
                throw RuntimeError.nodeFailed(node: step.name, op: step.op, reason: error.reason)
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError.nodeFailed(node: step.name, op: step.op, reason: "\(error)")
            }
            for (k, slot) in step.outputs.enumerated() where slot >= 0 && k < results.count {
                values[slot] = results[k]
                if step.shapeOnly { computedShapes[slot] = results[k] }
            }
            if placed != nil, let out = results.first {
                let found = concats.inputsInPlace(atStep: index, args: args, output: out)
                inputsInPlace += found.all
                stackedInPlace += found.stacked
            }
            if layouts == nil, let j = concats.joinAtConcat[index], let axis = step.concatAxis, let out = results.first,
               args.allSatisfy({ $0 != nil }),
               let layout = ConcatPlacement.Layout(inputs: args.compactMap { $0 }, output: out, axis: axis) {
                recordedLayouts[j] = layout
            }
            for slot in step.releases { values[slot] = nil }
        }
        stateLock.withLock {
            if cached == nil { state.shapeCache[key] = computedShapes }
            if layouts == nil { state.concatLayouts[key] = recordedLayouts }
            state.lastInputsInPlace = inputsInPlace
            state.lastStackedInPlace = stackedInPlace
            state.lastResidualsOverwritten = residualsOverwritten
            state.lastFlops = context.flops.value
            for (index, spent) in timings {
                let step = plan.steps[index]
                let old = state.stepProfile[step.name] ?? (step.op, 0, 0)
                state.stepProfile[step.name] = (step.op, old.calls + 1, old.nanoseconds + spent)
            }
        }
        var result: [String: TensorValue] = [:]
        for name in outputNames {
            guard let v = values[plan.slots[name]!] else { throw RuntimeError.unknownOutput(name: name) }
            result[name] = v
        }
        return result
    }

    /// Validates the feeds and returns the input-shape key for the shape cache.
    private func checkFeeds(_ feeds: [String: TensorValue]) throws -> String {
        for name in feeds.keys where !inputs.contains(where: { $0.name == name }) {
            throw RuntimeError.unknownInput(name: name, known: inputs.map(\.name))
        }
        var symbols: [String: Int] = [:]
        var key = ""
        for input in inputs {
            guard let value = feeds[input.name] else { throw RuntimeError.missingInput(name: input.name) }
            guard value.elementType == input.elementType else {
                throw RuntimeError.inputTypeMismatch(name: input.name, expected: input.elementType, found: value.elementType)
            }
            if let dims = input.dims {
                var ok = dims.count == value.rank
                if ok {
                    for (d, size) in zip(dims, value.shape) {
                        switch d.value {
                        case .value(let v)?: if Int(v) != size { ok = false }
                        case .param(let s)?:
                            if let bound = symbols[s], bound != size { ok = false } else { symbols[s] = size }
                        case nil: break
                        }
                    }
                }
                if !ok { throw RuntimeError.inputShapeMismatch(name: input.name, expected: input.dimsDescription, found: value.shape) }
            }
            key += "\(input.name):\(value.shape);"
        }
        return key
    }

    /// Refuses an input of `shape` that would not fit the memory budget, before a caller that
    /// makes inputs itself (generated random inputs) allocates it.
    public func checkInputAllocation(name: String, shape: [Int], elementType: ElementType) throws {
        let bytes = try? ShapeArithmetic.byteCount(shape, bitWidth: elementType.bitWidth ?? 8)
        guard let bytes, bytes <= options.maxMemory else {
            throw RuntimeError.memoryBudget(node: "graph input", tensor: name, shape: shape, bytes: bytes, limit: options.maxMemory)
        }
    }

    /// Operators the runtime executes (default domain), for tools that generate models.
    public static var supportedOperators: [String] { OperatorTable.supportedOperators }

    /// Releases buffers the arena keeps between runs.
    public func trimMemory() { pool.trim() }
}
