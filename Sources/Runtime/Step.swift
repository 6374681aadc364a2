import ONNXIR
/// One unit of work in a session's plan: a node (or a fused group of nodes) with its input
/// and output tensor slots.
struct Step {
    var name: String
    var op: String
    /// Tensor slots; -1 for an omitted optional input.
    var inputs: [Int]
    var outputs: [Int]
    var kernel: Kernel
    /// Depends only on constants and input shapes: computed once per input shape.
    var shapeOnly = false
    /// Slots whose last reader is this step: released right after it.
    var releases: [Int] = []
    /// The nodes whose outputs this step materializes (a fused step: its convolution), whose
    /// output sizes `MemoryBudget` infers before the kernel runs.
    var guarded: [Node] = []
    /// A Concat's axis attribute (`ConcatPlacement`).
    var concatAxis: Int?
    /// Whether the kernel writes its output through `ExecutionContext.result` (convolutions),
    /// so that it can write straight into a Concat's output (`ConcatPlacement`).
    var writesResult = false
    /// A merged convolution's output channels per output, in `outputs` order: its outputs are
    /// consecutive channel runs of one stacked result (`ConcatPlacement` may place that).
    var stackedChannels: [Int]?
    /// A fused convolution's residual input slot: its output may go over that value where
    /// this step is its last reader (`ExecutionContext.residualIsDisposable`).
    var residualSlot: Int?
}
