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
        let scratchFloats = halves * paddedHeight * rowStride + 16
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

    /// Copies one input plane into the zero-bordered scratch (even/odd column halves for stride 2).
    private func fill(_ scratch: UnsafeMutablePointer<Float>, from plane: UnsafePointer<Float>) {
        let s = shape, stride = rowStride, height = paddedHeight
        let halves = s.strideWidth == 1 ? 1 : 2
        scratch.initialize(repeating: 0, count: halves * height * stride)
        for y in 0..<s.inHeight {
            let src = plane + y * s.inWidth
            let row = y + s.padTop
            if halves == 1 {
                (scratch + row * stride + s.padLeft).update(from: src, count: s.inWidth)
            } else {
                let even = scratch + row * stride, odd = scratch + (height + row) * stride
                for x in 0..<s.inWidth {
                    let p = x + s.padLeft
                    if p & 1 == 0 { even[p >> 1] = src[x] } else { odd[p >> 1] = src[x] }
                }
            }
        }
    }

    /// One output plane from the scratch: 16 output pixels per step, every tap in registers.
    private func convolvePlane(_ scratch: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias: Float,
                               output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, activation: Activation) {
        let s = shape, stride = rowStride, height = paddedHeight
        let kh = s.kernelHeight, kw = s.kernelWidth, step = s.strideHeight
        let ow = s.outWidth
        var tail = SIMD16<Float>()
        for oy in 0..<s.outHeight {
            let outRow = output + oy * ow
            var ox = 0
            while ox < ow {
                var acc = SIMD16<Float>(repeating: bias)
                for ky in 0..<kh {
                    let y = oy * step + ky
                    for kx in 0..<kw {
                        let source: UnsafePointer<Float>
                        if step == 1 {
                            source = scratch + y * stride + ox + kx
                        } else {
                            source = scratch + ((kx & 1) * height + y) * stride + ox + (kx >> 1)
                        }
                        let v = UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
                        acc = acc + v * SIMD16<Float>(repeating: w[ky * kw + kx])
                    }
                }
                let count = min(16, ow - ox)
                if let residual {
                    if count == 16 {
                        acc = acc + UnsafeRawPointer(residual + oy * ow + ox).loadUnaligned(as: SIMD16<Float>.self)
                    } else {
                        for i in 0..<count { acc[i] += residual[oy * ow + ox + i] }
                    }
                }
                acc = Self.activate(acc, activation)
                if count == 16 {
                    UnsafeMutableRawPointer(outRow + ox).storeBytes(of: acc, as: SIMD16<Float>.self)
                } else {
                    tail = acc
                    for i in 0..<count { outRow[ox + i] = tail[i] }
                }
                ox += 16
            }
        }
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
