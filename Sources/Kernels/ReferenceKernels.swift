import Foundation

/// Plain scalar versions of every kernel: slow, obviously correct loops written straight from
/// the ONNX definitions. Tests compare the SIMD kernels against these.
public enum ReferenceKernels {
    /// Direct convolution: `activation(conv(input) + bias + residual)`, NCHW / OIHW.
    public static func conv2D(
        shape s: Conv2DShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, activation: Activation,
        output: UnsafeMutablePointer<Float>
    ) {
        let icg = s.inChannelsPerGroup, ocg = s.outChannelsPerGroup
        let oh = s.outHeight, ow = s.outWidth
        for n in 0..<s.batch {
            for oc in 0..<s.outChannels {
                let g = oc / ocg
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var acc: Double = 0
                        for ci in 0..<icg {
                            let c = g * icg + ci
                            for ky in 0..<s.kernelHeight {
                                let iy = oy * s.strideHeight - s.padTop + ky * s.dilationHeight
                                if iy < 0 || iy >= s.inHeight { continue }
                                for kx in 0..<s.kernelWidth {
                                    let ix = ox * s.strideWidth - s.padLeft + kx * s.dilationWidth
                                    if ix < 0 || ix >= s.inWidth { continue }
                                    let x = input[((n * s.inChannels + c) * s.inHeight + iy) * s.inWidth + ix]
                                    let w = weights[((oc * icg + ci) * s.kernelHeight + ky) * s.kernelWidth + kx]
                                    acc += Double(x) * Double(w)
                                }
                            }
                        }
                        let index = ((n * s.outChannels + oc) * oh + oy) * ow + ox
                        var value = Float(acc)
                        if let bias { value += bias[oc] }
                        if let residual { value += residual[index] }
                        output[index] = activation.apply(value)
                    }
                }
            }
        }
    }

    /// `C = alpha · op(A) · op(B) + beta · C` (beta == 0 ignores C).
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Double = 0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    acc += Double(x) * Double(y)
                }
                let old = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(acc) + old
            }
        }
    }

    /// MaxPool / AveragePool by enumerating every tap of every window.
    public static func pool2D(
        shape s: Pool2DShape, average: Bool, countIncludePad: Bool,
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        let oh = s.outHeight, ow = s.outWidth
        for plane in 0..<(s.batch * s.channels) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var maximum = -Float.infinity
                    var sum: Double = 0
                    var inside = 0, padded = 0
                    for ky in 0..<s.kernelHeight {
                        let iy = oy * s.strideHeight - s.padTop + ky * s.dilationHeight
                        for kx in 0..<s.kernelWidth {
                            let ix = ox * s.strideWidth - s.padLeft + kx * s.dilationWidth
                            let inPadded = iy >= -s.padTop && iy < s.inHeight + s.padBottom
                                && ix >= -s.padLeft && ix < s.inWidth + s.padRight
                            if inPadded { padded += 1 }
                            if iy >= 0 && iy < s.inHeight && ix >= 0 && ix < s.inWidth {
                                let x = input[(plane * s.inHeight + iy) * s.inWidth + ix]
                                maximum = max(maximum, x)
                                sum += Double(x)
                                inside += 1
                            }
                        }
                    }
                    let value: Float
                    if average {
                        value = Float(sum / Double(countIncludePad ? padded : inside))
                    } else {
                        value = maximum
                    }
                    output[(plane * oh + oy) * ow + ox] = value
                }
            }
        }
    }

    /// Global average (or max) over each of `planes` planes of `spatial` values.
    public static func globalPool(
        average: Bool, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, planes: Int, spatial: Int
    ) {
        for p in 0..<planes {
            var sum: Double = 0
            var maximum = -Float.infinity
            for i in 0..<spatial {
                sum += Double(input[p * spatial + i])
                maximum = max(maximum, input[p * spatial + i])
            }
            output[p] = average ? Float(sum / Double(spatial)) : maximum
        }
    }
}
