import ONNXIR
import Foundation
import Kernels

/// A Conv node after load: attributes parsed, weights (possibly with a folded
/// BatchNormalization) fixed, plus the fused epilogue (bias, residual add, activation).
final class Convolution: @unchecked Sendable {
    var kernelShape: [Int]?
    var strides: [Int]?
    var dilations: [Int]?
    var pads: [Int]?
    var autoPad: String
    var group: Int
    /// `[M, C/group, k...]`, row-major. Once a packed 2-D kernel can give them back
    /// (`Conv2D.recoverWeights`), the stored copy is dropped (`releaseWeights`) and this
    /// getter rebuilds it on demand (a new input shape): the packed copy is what runs, and
    /// holding both kept every model's weights in memory twice.
    var weights: TensorValue {
        get {
            packLock.lock(); defer { packLock.unlock() }
            return sourceWeightsLocked()
        }
        set {
            packLock.lock(); defer { packLock.unlock() }
            storedWeights = newValue
            weightShape = newValue.shape
        }
    }
    /// The weights' shape, known even while their values are released.
    private(set) var weightShape: [Int]
    /// Whether the convolution holds its own copy of the weights (false once released).
    var holdsWeights: Bool {
        packLock.lock(); defer { packLock.unlock() }
        return storedWeights != nil
    }
    /// The weights, or nil once released in favour of `recoverySource`.
    private var storedWeights: TensorValue?
    /// A packed kernel that gives the weights back when `storedWeights` is nil.
    private var recoverySource: Conv2D?
    var bias: [Float]?
    var activation: Activation = .none
    /// Pre-packed 2-D kernels per input shape (packing happens once per shape, not per run).
    private var packed: [Conv2DShape: Conv2D] = [:]
    /// Depthwise kernels per input shape (weights copied once per shape).
    private var depthwise: [Conv2DShape: DepthwiseConv2D] = [:]
    private let packLock = NSLock()

    init(node: NodeAttributes, weights: TensorValue, bias: TensorValue?) throws {
        kernelShape = try node.ints("kernel_shape")
        strides = try node.ints("strides")
        dilations = try node.ints("dilations")
        pads = try node.ints("pads")
        autoPad = node.string("auto_pad", default: "NOTSET")
        group = try node.int("group", default: 1)
        storedWeights = weights
        weightShape = weights.shape
        self.bias = bias?.floatArray()
        guard group >= 1, weights.rank >= 3, weights.shape[0] % group == 0 else {
            throw node.invalid("weights \(weights.shape) do not fit group \(group)")
        }
        if let b = self.bias, b.count != weights.shape[0] {
            throw node.invalid("bias has \(b.count) values for \(weights.shape[0]) output channels")
        }
    }

    /// A 1×1, stride-1, unpadded convolution from its parts (sibling merging).
    init(pointwise weights: TensorValue, bias: [Float]?, activation: Activation) {
        autoPad = "NOTSET"
        group = 1
        storedWeights = weights
        weightShape = weights.shape
        self.bias = bias
        self.activation = activation
    }

    func geometry(_ x: TensorValue) throws -> WindowGeometry {
        guard x.rank == weightShape.count else { throw KernelError("input rank \(x.rank) does not match weight rank \(weightShape.count)") }
        guard x.shape[1] == weightShape[1] * group else {
            throw KernelError("input has \(x.shape[1]) channels; weights \(weightShape) with group \(group) need \(weightShape[1] * group)")
        }
        let kernel = Array(weightShape[2...])
        if let kernelShape, kernelShape != kernel { throw KernelError("kernel_shape \(kernelShape) does not match weights \(weightShape)") }
        return try WindowGeometry(input: Array(x.shape[2...]), kernel: kernel, strides: strides,
                                  dilations: dilations, pads: pads, autoPad: autoPad)
    }

    func outputShape(_ x: TensorValue) throws -> [Int] {
        [x.shape[0], weightShape[0]] + (try geometry(x)).outputSpatial
    }

    /// Convolves `x`, then applies bias, `residual` and the activation (the fused one unless
    /// `activation` overrides it).
    func run(_ x: TensorValue, residual: TensorValue?, activation: Activation? = nil, _ c: ExecutionContext) throws -> TensorValue {
        let g = try geometry(x)
        let n = x.shape[0], m = weightShape[0]
        let outShape = [n, m] + g.outputSpatial
        if let residual, residual.shape != outShape {
            throw KernelError("residual \(residual.shape) does not match the convolution output \(outShape)")
        }
        c.flops.add(2 * Double(n * m * g.outputSize) * Double(weightShape.reduce(1, *) / max(m, 1)))
        let planar = g.spatialRank <= 2 && outShape.reduce(1, *) > 0
        let depthwise = planar ? depthwiseKernel(x, g) : nil
        if let kernel = depthwise {
            let out = c.result(outShape)
            kernel.run(input: x.floats, output: out.floats, residual: residual.map { UnsafePointer($0.floats) },
                       activation: activation ?? self.activation, threads: c.threads)
            return out
        }
        if planar {
            // Over the residual where the session allows it (`Conv2D` reads each residual
            // element before it stores the output element in its place).
            let out = if c.residualIsDisposable, c.destination == nil, let residual, residual.storage !== x.storage {
                residual
            } else {
                c.result(outShape)
            }
            packedKernel(x, g).run(
                input: x.floats, output: out.floats, residual: residual.map { UnsafePointer($0.floats) },
                activation: activation ?? self.activation, threads: c.threads)
            return out
        }
        let out = c.result(outShape)
        let weights = self.weights
        let cg = x.shape[1] / group, mg = m / group
        let rows = cg * g.kernelSize, cols = g.outputSize
        let isPointwise = g.kernelSize == 1 && g.strides == [1, 1, 1] && g.padsBegin == [0, 0, 0] && g.padsEnd == [0, 0, 0]
        var columns: TensorValue? = isPointwise ? nil : c.output([rows, cols])
        for b in 0..<n {
            for gi in 0..<group {
                let input = UnsafePointer(x.floats + (b * x.shape[1] + gi * cg) * g.inputSize)
                let source: UnsafePointer<Float>
                if let col = columns {
                    Self.im2col(input, channels: cg, g, into: col.floats)
                    source = UnsafePointer(col.floats)
                } else {
                    source = input
                }
                MatrixMultiply.gemm(transA: false, transB: false, m: mg, n: cols, k: rows, alpha: 1,
                                    a: UnsafePointer(weights.floats + gi * mg * rows), lda: rows,
                                    b: source, ldb: cols, beta: 0,
                                    c: out.floats + (b * m + gi * mg) * cols, ldc: cols, threads: c.threads)
            }
        }
        columns = nil
        applyEpilogue(out, residual: residual, activation: activation ?? self.activation, channels: m, planeSize: g.outputSize, c)
        return out
    }

    /// The 2-D kernel for this input shape, packed on first use (1-D convolutions run as 2-D
    /// with height 1).
    func packedKernel(_ x: TensorValue, _ g: WindowGeometry) -> Conv2D {
        let shape = kernelShape(x, g)
        packLock.lock(); defer { packLock.unlock() }
        if let k = packed[shape] { return k }
        let weights = sourceWeightsLocked()
        let k: Conv2D
        if let bias {
            k = bias.withUnsafeBufferPointer { Conv2D(shape: shape, weights: weights.floats, bias: $0.baseAddress) }
        } else {
            k = Conv2D(shape: shape, weights: weights.floats, bias: nil)
        }
        packed[shape] = k
        releaseWeightsLocked(into: k)
        return k
    }

    /// The weights, rebuilt from `recoverySource` when released. Caller holds `packLock`.
    private func sourceWeightsLocked() -> TensorValue {
        if let storedWeights { return storedWeights }
        guard let source = recoverySource, let values = source.recoverWeights(), values.count == weightShape.reduce(1, *) else {
            // Recovery is exact for every packed form (`releaseWeightsLocked` only releases into
            // those, and the kernel tests recover every case): reaching here is a bug.
            fatalError("Convolution: released weights \(weightShape) could not be recovered")
        }
        let rebuilt = TensorValue(shape: weightShape, elementType: .float)
        rebuilt.floats.update(from: values, count: values.count)
        storedWeights = rebuilt
        return rebuilt
    }

    /// Drops the stored weights when `kernel` can give them back (`Conv2D.recoverWeights`,
    /// exact for every packed form: Tests/KernelsTests). Caller holds `packLock`.
    private func releaseWeightsLocked(into kernel: Conv2D) {
        guard storedWeights != nil, kernel.canRecoverWeights else { return }
        storedWeights = nil
        recoverySource = kernel
    }

    /// The direct depthwise kernel when this convolution is one (groups = channels, strides 1
    /// or 2, no dilation), else nil (the GEMM path).
    func depthwiseKernel(_ x: TensorValue, _ g: WindowGeometry) -> DepthwiseConv2D? {
        guard group > 1, group == x.shape[1], group == weightShape[0] else { return nil }
        let shape = kernelShape(x, g)
        guard DepthwiseConv2D.suits(shape) else { return nil }
        packLock.lock(); defer { packLock.unlock() }
        if let k = depthwise[shape] { return k }
        let weights = sourceWeightsLocked()
        let k: DepthwiseConv2D
        if let bias {
            k = bias.withUnsafeBufferPointer { DepthwiseConv2D(shape: shape, weights: weights.floats, bias: $0.baseAddress) }
        } else {
            k = DepthwiseConv2D(shape: shape, weights: weights.floats, bias: nil)
        }
        depthwise[shape] = k
        return k
    }

    /// The Kernels module's description of this convolution on `x` (1-D runs as height 1).
    func kernelShape(_ x: TensorValue, _ g: WindowGeometry) -> Conv2DShape {
        Conv2DShape(
            batch: x.shape[0], inChannels: x.shape[1], inHeight: g.input[1], inWidth: g.input[2],
            outChannels: weightShape[0], kernelHeight: g.kernel[1], kernelWidth: g.kernel[2],
            strideHeight: g.strides[1], strideWidth: g.strides[2],
            dilationHeight: g.dilations[1], dilationWidth: g.dilations[2],
            padTop: g.padsBegin[1], padLeft: g.padsBegin[2], padBottom: g.padsEnd[1], padRight: g.padsEnd[2],
            groups: group)
    }

    /// Adds bias and residual and applies the activation, in place on `out`.
    func applyEpilogue(_ out: TensorValue, residual: TensorValue?, activation: Activation, channels m: Int, planeSize: Int, _ c: ExecutionContext) {
        if bias == nil && residual == nil && activation == .none { return }
        let bias = self.bias
        let o = out.floats
        let r = residual?.floats
        c.parallelFor(out.count / max(planeSize, 1), cost: planeSize) { planes in
            for plane in planes {
                let bv = bias?[plane % m] ?? 0
                let base = plane * planeSize
                if let r {
                    for i in base..<(base + planeSize) { o[i] = activation.apply(o[i] + bv + r[i]) }
                } else {
                    for i in base..<(base + planeSize) { o[i] = activation.apply(o[i] + bv) }
                }
            }
        }
    }

    /// Unfolds input windows into `[channels * kernel, outputPositions]` (zeros in padding).
    static func im2col(_ x: UnsafePointer<Float>, channels: Int, _ g: WindowGeometry, into col: UnsafeMutablePointer<Float>) {
        let (id, ih, iw) = (g.input[0], g.input[1], g.input[2])
        let (od, oh, ow) = (g.output[0], g.output[1], g.output[2])
        let (kd, kh, kw) = (g.kernel[0], g.kernel[1], g.kernel[2])
        var row = 0
        for ch in 0..<channels {
            let plane = x + ch * id * ih * iw
            for a in 0..<kd { for p in 0..<kh { for q in 0..<kw {
                let dst = col + row * od * oh * ow
                var o = 0
                for z in 0..<od {
                    let zi = z * g.strides[0] - g.padsBegin[0] + a * g.dilations[0]
                    for y in 0..<oh {
                        let yi = y * g.strides[1] - g.padsBegin[1] + p * g.dilations[1]
                        if zi < 0 || zi >= id || yi < 0 || yi >= ih {
                            for i in 0..<ow { dst[o + i] = 0 }
                            o += ow
                            continue
                        }
                        let src = plane + (zi * ih + yi) * iw
                        let sx = g.strides[2], x0 = q * g.dilations[2] - g.padsBegin[2]
                        for xo in 0..<ow {
                            let xi = xo * sx + x0
                            dst[o] = (xi >= 0 && xi < iw) ? src[xi] : 0
                            o += 1
                        }
                    }
                }
                row += 1
            } } }
        }
    }
}
