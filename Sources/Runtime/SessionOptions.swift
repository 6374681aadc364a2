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

    public init(threads: Int? = nil, outputs: [String]? = nil, fusion: Bool = true) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.outputs = outputs
        self.fusion = fusion
    }
}
