import Kernels
import ONNXIR
/// MaxPool and AveragePool over 1-3 spatial dims (padded to 3), one (batch, channel) plane
/// per iteration. Padding never wins a max; averages divide by the real element count or,
/// with `count_include_pad`, by the window's overlap with the padded input.
enum WindowPooling {
    /// The Kernels module's 2-D pooling shape, when it describes the same windows.
    static func kernelShape(_ x: TensorValue, _ g: WindowGeometry, ceilMode: Bool) -> Pool2DShape? {
        guard g.spatialRank <= 2, g.input[0] == 1 else { return nil }
        let s = Pool2DShape(
            batch: x.shape[0], channels: x.shape[1], inHeight: g.input[1], inWidth: g.input[2],
            kernelHeight: g.kernel[1], kernelWidth: g.kernel[2], strideHeight: g.strides[1], strideWidth: g.strides[2],
            dilationHeight: g.dilations[1], dilationWidth: g.dilations[2],
            padTop: g.padsBegin[1], padLeft: g.padsBegin[2], padBottom: g.padsEnd[1], padRight: g.padsEnd[2],
            ceilMode: ceilMode)
        guard s.isValid, s.outHeight == g.output[1], s.outWidth == g.output[2] else { return nil }
        return s
    }

    static func maxPool(_ x: TensorValue, _ g: WindowGeometry, indices: Bool, columnMajor: Bool, ceilMode: Bool, _ c: ExecutionContext) -> (TensorValue, TensorValue?) {
        let planes = x.shape[0] * x.shape[1]
        // The planned output when the pool is a Concat's branch (`ConcatPlacement`: Inception's
        // reduction blocks); with indices the step is never placed.
        let out = indices ? c.output(Array(x.shape[..<2]) + g.outputSpatial) : c.result(Array(x.shape[..<2]) + g.outputSpatial)
        if !indices, out.count > 0, let shape = kernelShape(x, g, ceilMode: ceilMode) {
            Pooling.maxPool2D(shape: shape, input: x.floats, output: out.floats, threads: c.threads)
            return (out, nil)
        }
        let idx: TensorValue? = indices ? c.output(out.shape, .int64) : nil
        let (id, ih, iw) = (g.input[0], g.input[1], g.input[2])
        let (od, oh, ow) = (g.output[0], g.output[1], g.output[2])
        let xi = x.floats, o = out.floats, ip = idx?.int64s
        c.parallelFor(planes, cost: g.outputSize * g.kernelSize) { range in
            for plane in range {
                let src = xi + plane * g.inputSize
                let dst = o + plane * g.outputSize
                var k = 0
                for z in 0..<od { for y in 0..<oh { for xo in 0..<ow {
                    var best = -Float.infinity
                    var bestIndex = -1
                    for a in 0..<g.kernel[0] {
                        let zz = z * g.strides[0] - g.padsBegin[0] + a * g.dilations[0]
                        if zz < 0 || zz >= id { continue }
                        for p in 0..<g.kernel[1] {
                            let yy = y * g.strides[1] - g.padsBegin[1] + p * g.dilations[1]
                            if yy < 0 || yy >= ih { continue }
                            for q in 0..<g.kernel[2] {
                                let xx = xo * g.strides[2] - g.padsBegin[2] + q * g.dilations[2]
                                if xx < 0 || xx >= iw { continue }
                                let i = (zz * ih + yy) * iw + xx
                                let v = src[i]
                                if v > best || bestIndex < 0 {
                                    best = v
                                    bestIndex = columnMajor ? (xx * ih + yy) * id + zz : i
                                }
                            }
                        }
                    }
                    dst[k] = best
                    if let ip { ip[plane * g.outputSize + k] = Int64(plane * g.inputSize + max(bestIndex, 0)) }
                    k += 1
                } } }
            }
        }
        return (out, idx)
    }

    static func averagePool(_ x: TensorValue, _ g: WindowGeometry, countIncludePad: Bool, ceilMode: Bool, _ c: ExecutionContext) -> TensorValue {
        let planes = x.shape[0] * x.shape[1]
        // The planned output when a placed step pools (`PooledConvolution` into a Concat).
        let out = c.result(Array(x.shape[..<2]) + g.outputSpatial)
        if out.count > 0, let shape = kernelShape(x, g, ceilMode: ceilMode) {
            Pooling.averagePool2D(shape: shape, countIncludePad: countIncludePad, input: x.floats, output: out.floats, threads: c.threads)
            return out
        }
        let (id, ih, iw) = (g.input[0], g.input[1], g.input[2])
        let (od, oh, ow) = (g.output[0], g.output[1], g.output[2])
        let xi = x.floats, o = out.floats
        c.parallelFor(planes, cost: g.outputSize * g.kernelSize) { range in
            for plane in range {
                let src = xi + plane * g.inputSize
                let dst = o + plane * g.outputSize
                var k = 0
                for z in 0..<od { for y in 0..<oh { for xo in 0..<ow {
                    var sum: Float = 0
                    var real = 0, padded = 0
                    for a in 0..<g.kernel[0] {
                        let zz = z * g.strides[0] - g.padsBegin[0] + a * g.dilations[0]
                        let zIn = zz >= 0 && zz < id, zPad = zz >= -g.padsBegin[0] && zz < id + g.padsEnd[0]
                        for p in 0..<g.kernel[1] {
                            let yy = y * g.strides[1] - g.padsBegin[1] + p * g.dilations[1]
                            let yIn = yy >= 0 && yy < ih, yPad = yy >= -g.padsBegin[1] && yy < ih + g.padsEnd[1]
                            for q in 0..<g.kernel[2] {
                                let xx = xo * g.strides[2] - g.padsBegin[2] + q * g.dilations[2]
                                let xIn = xx >= 0 && xx < iw, xPad = xx >= -g.padsBegin[2] && xx < iw + g.padsEnd[2]
                                if zIn && yIn && xIn { sum += src[(zz * ih + yy) * iw + xx]; real += 1 }
                                if zPad && yPad && xPad { padded += 1 }
                            }
                        }
                    }
                    let divisor = countIncludePad ? padded : real
                    dst[k] = divisor > 0 ? sum / Float(divisor) : 0
                    k += 1
                } } }
            }
        }
        return out
    }

    /// Mean or max over every spatial position of each (batch, channel) plane.
    static func global(_ x: TensorValue, max useMax: Bool, _ c: ExecutionContext) -> TensorValue {
        let planes = x.shape[0] * x.shape[1]
        let size = x.shape[2...].reduce(1, *)
        let out = c.output(Array(x.shape[..<2]) + Array(repeating: 1, count: x.rank - 2))
        let xi = x.floats, o = out.floats
        c.parallelFor(planes, cost: size) { range in
            for plane in range {
                let src = xi + plane * size
                if useMax {
                    var best = -Float.infinity
                    for i in 0..<size { best = max(best, src[i]) }
                    o[plane] = best
                } else {
                    var sum: Float = 0
                    for i in 0..<size { sum += src[i] }
                    o[plane] = sum / Float(size)
                }
            }
        }
        return out
    }
}
