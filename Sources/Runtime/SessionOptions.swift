import Foundation

/// How a `Session` is built.
public struct SessionOptions: Sendable {
    /// Worker threads for kernels (default: every core).
    public var threads: Int
    /// Tensors `run` returns; nil means the graph outputs. Intermediates named here stay
    /// observable: no fusion crosses them.
    public var outputs: [String]?
    /// Graph-level fusion (BN folding, conv + residual + activation). Off only to debug.
    public var fusion: Bool
    /// Bytes the tensors of one run may occupy together (activations, not weights). A node
    /// whose output would go past it is refused before allocation, naming the node and the
    /// size, instead of the process dying in `malloc` or the OOM killer. Default: the
    /// machine's physical memory.
    public var maxMemory: Int

    public init(threads: Int? = nil, outputs: [String]? = nil, fusion: Bool = true, maxMemory: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.outputs = outputs
        self.fusion = fusion
        self.maxMemory = maxMemory ?? Self.physicalMemory
    }

    /// The machine's memory, capped to what `Int` holds.
    public static var physicalMemory: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }
}
