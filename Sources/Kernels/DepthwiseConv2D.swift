/// A depthwise 2-D convolution (ONNX `Conv` with `group == inChannels == outChannels`), run
/// directly instead of as a GEMM: each (image, channel) plane is copied once into a
/// zero-bordered scratch plane (split into even and odd columns for stride 2), then every
/// output row is the sum of `kernelHeight × kernelWidth` shifted input rows times one weight,
/// 16 output pixels per vector, with bias, residual and activation applied before the store.
///
/// Layouts: input and output NCHW, weights `channels × 1 × kernelHeight × kernelWidth`.
/// Any kernel size, strides 1 and 2, dilation 1, any padding. The caller owns all buffers;
/// `run` keeps no state, so one instance may run concurrently on different buffers.
public final class DepthwiseConv2D: @unchecked Sendable {
    public let shape: Conv2DShape
    private let weights: [Float]
    private let bias: [Float]?

    /// Whether this kernel handles `shape`.
    public static func suits(_ shape: Conv2DShape) -> Bool {
        shape.isValid && shape.groups == shape.inChannels && shape.outChannels == shape.inChannels
            && shape.dilationHeight == 1 && shape.dilationWidth == 1
            && (1...2).contains(shape.strideHeight) && shape.strideWidth == shape.strideHeight
            && shape.kernelHeight <= 7 && shape.kernelWidth <= 7
    }

    /// - Precondition: `DepthwiseConv2D.suits(shape)`.
    public init(shape: Conv2DShape, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?) {
        precondition(Self.suits(shape), "not a depthwise convolution: \(shape)")
        self.shape = shape
        self.weights = Array(UnsafeBufferPointer(start: weights, count: shape.weightCount))
        self.bias = bias.map { Array(UnsafeBufferPointer(start: $0, count: shape.outChannels)) }
    }

    /// Scratch geometry: the zero-bordered plane, as one plane (stride 1) or an even and an odd
    /// half (stride 2), each row with room for a full vector past the last output.
    private var paddedHeight: Int { shape.inHeight + shape.padTop + shape.padBottom }
    private var paddedWidth: Int { shape.inWidth + shape.padLeft + shape.padRight }
    private var rowStride: Int {
        let s = shape
        let needed = s.strideWidth == 1 ? paddedWidth : (paddedWidth + 1) / 2
        return max(needed, ((s.outWidth + 15) / 16) * 16 + s.kernelWidth)
    }

    public func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        let s = shape
        let planes = s.batch * s.inChannels
        let workers = Parallel.workerCount(items: planes, threads: threads)
        let halves = s.strideWidth == 1 ? 1 : 2
        let scratchFloats = halves * paddedHeight * rowStride + 2 * rowStride + 16
        let scratch = (0..<workers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: scratchFloats) }
        defer { scratch.forEach { $0.deallocate() } }
        weights.withUnsafeBufferPointer { w in
            Parallel.forEach(items: planes, threads: workers) { plane, worker in
                let channel = plane % s.inChannels
                let inPlane = input + plane * s.inHeight * s.inWidth
                let outOffset = plane * s.outHeight * s.outWidth
                fill(scratch[worker], from: inPlane)
                convolvePlane(scratch[worker], weights: w.baseAddress! + channel * s.kernelHeight * s.kernelWidth,
                              bias: bias?[channel] ?? 0, output: output + outOffset,
                              residual: residual.map { $0 + outOffset }, activation: activation)
            }
        }
    }

    /// Copies one input plane into the zero-bordered scratch (even/odd column halves for
    /// stride 2). Every scratch element the plane's convolution reads is written once.
    private func fill(_ scratch: UnsafeMutablePointer<Float>, from plane: UnsafePointer<Float>) {
        let s = shape, stride = rowStride, height = paddedHeight
        if s.strideWidth == 1 {
            for row in 0..<height {
                let dst = scratch + row * stride
                let y = row - s.padTop
                guard y >= 0 && y < s.inHeight else { dst.initialize(repeating: 0, count: stride); continue }
                dst.initialize(repeating: 0, count: s.padLeft)
                (dst + s.padLeft).initialize(from: plane + y * s.inWidth, count: s.inWidth)
                (dst + s.padLeft + s.inWidth).initialize(repeating: 0, count: stride - s.padLeft - s.inWidth)
            }
            return
        }
        // Stride 2: a zero-bordered copy of the row (in a line buffer after both halves),
        // then split into even and odd columns.
        let line = scratch + (2 * height) * stride
        let half = stride
        for row in 0..<height {
            let even = scratch + row * stride, odd = scratch + (height + row) * stride
            let y = row - s.padTop
            guard y >= 0 && y < s.inHeight else {
                even.initialize(repeating: 0, count: stride)
                odd.initialize(repeating: 0, count: stride)
                continue
            }
            line.initialize(repeating: 0, count: 2 * half)
            (line + s.padLeft).update(from: plane + y * s.inWidth, count: s.inWidth)
            for j in 0..<half {
                even[j] = line[2 * j]
                odd[j] = line[2 * j + 1]
            }
        }
    }

    /// One output plane from the scratch: output rows in blocks of 32 pixels (two vectors,
    /// each tap's weight loaded once for both), then 16-pixel vectors and a masked tail.
    private func convolvePlane(_ scratch: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias: Float,
                               output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, activation: Activation) {
        let s = shape, stride = rowStride, height = paddedHeight
        let kh = s.kernelHeight, kw = s.kernelWidth, step = s.strideHeight
        let ow = s.outWidth, taps = kh * kw
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: taps) { weight in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offset in
            // Scratch offset of each tap relative to the output pixel's first input row.
            for ky in 0..<kh {
                for kx in 0..<kw {
                    weight[ky * kw + kx] = SIMD16<Float>(repeating: w[ky * kw + kx])
                    offset[ky * kw + kx] = step == 1 ? ky * stride + kx : ((kx & 1) * height + ky) * stride + (kx >> 1)
                }
            }
            let start = SIMD16<Float>(repeating: bias)
            for oy in 0..<s.outHeight {
                let rowBase = scratch + oy * step * stride
                let outRow = output + oy * ow
                let residualRow = residual.map { $0 + oy * ow }
                var ox = 0
                while ox + 32 <= ow {
                    var a0 = start, a1 = start
                    for t in 0..<taps {
                        let source = UnsafeRawPointer(rowBase + offset[t] + ox)
                        a0 = a0 + source.loadUnaligned(as: SIMD16<Float>.self) * weight[t]
                        a1 = a1 + source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) * weight[t]
                    }
                    store(a0, outRow + ox, count: 16, residual: residualRow.map { $0 + ox }, activation)
                    store(a1, outRow + ox + 16, count: 16, residual: residualRow.map { $0 + ox + 16 }, activation)
                    ox += 32
                }
                while ox < ow {
                    var a0 = start
                    for t in 0..<taps {
                        a0 = a0 + UnsafeRawPointer(rowBase + offset[t] + ox).loadUnaligned(as: SIMD16<Float>.self) * weight[t]
                    }
                    store(a0, outRow + ox, count: min(16, ow - ox), residual: residualRow.map { $0 + ox }, activation)
                    ox += 16
                }
            }
        }
        }
    }

    /// Residual, activation, store (`count` < 16 stores lane by lane).
    @inline(__always)
    private func store(_ value: SIMD16<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
                       residual: UnsafePointer<Float>?, _ activation: Activation) {
        var v = value
        if count == 16 {
            if let residual { v = v + UnsafeRawPointer(residual).loadUnaligned(as: SIMD16<Float>.self) }
            UnsafeMutableRawPointer(destination).storeBytes(of: Self.activate(v, activation), as: SIMD16<Float>.self)
            return
        }
        if let residual { for i in 0..<count { v[i] += residual[i] } }
        v = Self.activate(v, activation)
        for i in 0..<count { destination[i] = v[i] }
    }

    @inline(__always)
    private static func activate(_ v: SIMD16<Float>, _ activation: Activation) -> SIMD16<Float> {
        switch activation {
        case .none: return v
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .clip(let lo, let hi): return v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
        case .leakyRelu(let alpha): return v.replacing(with: v * alpha, where: v .< 0)
        default:
            var r = v
            for i in 0..<16 { r[i] = activation.apply(v[i]) }
            return r
        }
    }
}
