import Kernels

import ONNXIR
/// The activation a fused convolution / Gemm applies in its epilogue.
enum FusedActivation: Equatable {
    case none
    case relu
    case clip(min: Float, max: Float)
    case leakyRelu(alpha: Float)

    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return max(x, 0)
        case let .clip(lo, hi): return min(max(x, lo), hi)
        case let .leakyRelu(alpha): return x >= 0 ? x : x * alpha
        }
    }

    /// The Kernels module's equivalent, for the fused convolution epilogue.
    var kernelActivation: Activation {
        switch self {
        case .none: return .none
        case .relu: return .relu
        case let .clip(lo, hi): return .clip(min: lo, max: hi)
        case let .leakyRelu(alpha): return .leakyRelu(alpha: alpha)
        }
    }
}
