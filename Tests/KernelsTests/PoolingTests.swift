@testable import Kernels
import Testing

struct PoolCase: CustomTestStringConvertible, Sendable {
    var name: String
    var shape: Pool2DShape
    var countIncludePad = false
    var threads = 1
    var testDescription: String { name }
}

private func pool(
    _ n: Int, _ c: Int, _ h: Int, _ w: Int, k: (Int, Int), stride: (Int, Int) = (1, 1),
    dilation: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0), ceil: Bool = false
) -> Pool2DShape {
    Pool2DShape(
        batch: n, channels: c, inHeight: h, inWidth: w, kernelHeight: k.0, kernelWidth: k.1,
        strideHeight: stride.0, strideWidth: stride.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
        padTop: pads.0, padLeft: pads.1, padBottom: pads.2, padRight: pads.3, ceilMode: ceil)
}

let poolCases: [PoolCase] = [
    PoolCase(name: "3x3 stride 2 (ResNet)", shape: pool(1, 3, 13, 12, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))),
    PoolCase(name: "3x3 stride 1 same, include pad", shape: pool(2, 2, 7, 9, k: (3, 3), pads: (1, 1, 1, 1)),
             countIncludePad: true),
    PoolCase(name: "ceil mode", shape: pool(1, 2, 8, 11, k: (3, 3), stride: (2, 2), ceil: true)),
    PoolCase(name: "ceil mode with pads, include pad", shape: pool(1, 2, 7, 7, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 1, 1), ceil: true), countIncludePad: true),
    PoolCase(name: "ceil mode drop last window", shape: pool(1, 1, 5, 5, k: (2, 2), stride: (2, 2),
             pads: (1, 1, 1, 1), ceil: true)),
    PoolCase(name: "dilations", shape: pool(1, 2, 10, 9, k: (2, 3), stride: (1, 2), dilation: (2, 2),
             pads: (1, 0, 2, 1))),
    PoolCase(name: "asymmetric pads", shape: pool(1, 3, 6, 8, k: (2, 2), stride: (2, 2), pads: (0, 0, 1, 1)),
             countIncludePad: true),
    PoolCase(name: "1x1 stride 2 (ResNetV2 shortcut)", shape: pool(1, 4, 7, 7, k: (1, 1), stride: (2, 2))),
    PoolCase(name: "many planes, 2 threads", shape: pool(3, 5, 6, 6, k: (3, 3), stride: (2, 2)), threads: 2),
    // Wide rows: the vectorized horizontal passes (stride 1, stride 2 via even/odd split).
    PoolCase(name: "wide stride 2 same pad", shape: pool(1, 2, 9, 75, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)),
             countIncludePad: true),
    PoolCase(name: "wide stride 2 dilation 3 ceil", shape: pool(1, 2, 11, 70, k: (3, 4), stride: (2, 2),
             dilation: (2, 3), pads: (0, 2, 1, 1), ceil: true)),
    PoolCase(name: "wide stride 1 same pad", shape: pool(1, 3, 5, 37, k: (3, 3), pads: (1, 1, 1, 1))),
    PoolCase(name: "wide stride 1 dilation 2, include pad", shape: pool(1, 2, 8, 40, k: (2, 3), dilation: (2, 2),
             pads: (1, 2, 1, 2)), countIncludePad: true),
    PoolCase(name: "wide stride 3", shape: pool(1, 2, 7, 80, k: (3, 3), stride: (3, 3), pads: (1, 1, 1, 1))),
    // Stride 1 with the input's width: whole-plane passes (FlatPlanePool), Inception's 3x3 / 1.
    PoolCase(name: "flat 17x17 same", shape: pool(1, 6, 17, 17, k: (3, 3), pads: (1, 1, 1, 1))),
    PoolCase(name: "flat 8x8 same, batch 2, 2 threads", shape: pool(2, 5, 8, 8, k: (3, 3), pads: (1, 1, 1, 1)),
             threads: 2),
    PoolCase(name: "flat 35x35 same, include pad, 2 threads", shape: pool(1, 3, 35, 35, k: (3, 3), pads: (1, 1, 1, 1)),
             countIncludePad: true, threads: 2),
    PoolCase(name: "flat 5x5 kernel on 3x4", shape: pool(1, 2, 3, 4, k: (5, 5), pads: (2, 2, 2, 2))),
    PoolCase(name: "flat 5x5 kernel on 3x4, include pad", shape: pool(1, 2, 3, 4, k: (5, 5), pads: (2, 2, 2, 2)),
             countIncludePad: true),
    PoolCase(name: "flat asymmetric 2x2 same", shape: pool(1, 3, 9, 19, k: (2, 2), pads: (0, 0, 1, 1)),
             countIncludePad: true),
    PoolCase(name: "flat 3x1 top pad only", shape: pool(2, 2, 6, 21, k: (3, 1), pads: (2, 0, 0, 0))),
    PoolCase(name: "flat 1x3 no vertical window", shape: pool(1, 4, 1, 33, k: (1, 3), pads: (0, 1, 0, 1))),
    PoolCase(name: "flat 1x1 pointwise", shape: pool(1, 2, 5, 7, k: (1, 1))),
    PoolCase(name: "flat 3x3 on 1x1", shape: pool(1, 3, 1, 1, k: (3, 3), pads: (1, 1, 1, 1)), countIncludePad: true),
    // No padding, windows inside the input: whole-plane passes, then a strided gather (UnpaddedPlanePool).
    PoolCase(name: "unpadded 3x3/2 17->8", shape: pool(1, 7, 17, 17, k: (3, 3), stride: (2, 2))),
    PoolCase(name: "unpadded 3x3/2 35->17, batch 2, 2 threads", shape: pool(2, 3, 35, 35, k: (3, 3), stride: (2, 2)),
             threads: 2),
    PoolCase(name: "unpadded 3x3/2 even size 16->7", shape: pool(1, 2, 16, 16, k: (3, 3), stride: (2, 2))),
    // MaxPool 3×3/2 in one pass per row (`StrideTwoMaxPool`): rows of several 16-output vectors
    // and a tail (114 → 56), an unused last column and row (36×38 → 17×18), 2 threads.
    PoolCase(name: "unpadded 3x3/2 114->56, 2 threads", shape: pool(1, 3, 114, 114, k: (3, 3), stride: (2, 2)), threads: 2),
    PoolCase(name: "unpadded 3x3/2 147x149 (Inception's stem pool)", shape: pool(1, 2, 147, 149, k: (3, 3), stride: (2, 2))),
    PoolCase(name: "unpadded 3x3/2 wide 7x301, 2 threads", shape: pool(1, 3, 7, 301, k: (3, 3), stride: (2, 2)), threads: 2),
    PoolCase(name: "unpadded 3x3/2 36x38 -> 17x18, batch 2", shape: pool(2, 2, 36, 38, k: (3, 3), stride: (2, 2))),
    // Padded by at most 1 a side (`StrideTwoMaxPool` too): torchvision's stem pool 112 -> 56,
    // TF "same" on even and odd sizes, one side only, rows under one vector, ceil mode.
    PoolCase(name: "3x3/2 pads 1 112->56 (torchvision's stem pool), 2 threads", shape: pool(1, 3, 112, 112, k: (3, 3),
             stride: (2, 2), pads: (1, 1, 1, 1)), threads: 2),
    PoolCase(name: "3x3/2 pads (0, 0, 1, 1) on 36x40 (TF same)", shape: pool(1, 2, 36, 40, k: (3, 3), stride: (2, 2),
             pads: (0, 0, 1, 1))),
    PoolCase(name: "3x3/2 pads (1, 1, 0, 0) on 35x37, batch 2", shape: pool(2, 2, 35, 37, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 0, 0))),
    PoolCase(name: "3x3/2 pads 1 on 9x11 (rows under one vector)", shape: pool(1, 3, 9, 11, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 1, 1))),
    PoolCase(name: "3x3/2 pads (0, 1, 1, 0) on 2x33", shape: pool(1, 2, 2, 33, k: (3, 3), stride: (2, 2), pads: (0, 1, 1, 0))),
    PoolCase(name: "3x3/2 pads 1 ceil mode on 10x10", shape: pool(1, 2, 10, 10, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 1, 1), ceil: true)),
    PoolCase(name: "unpadded 2x3 stride (3, 2) 13x21", shape: pool(1, 2, 13, 21, k: (2, 3), stride: (3, 2))),
    PoolCase(name: "unpadded 3x3/1 valid 9x40", shape: pool(1, 2, 9, 40, k: (3, 3))),
    PoolCase(name: "unpadded kernel = input 5x6", shape: pool(1, 3, 5, 6, k: (5, 6), stride: (2, 2))),
    PoolCase(name: "unpadded 1x1/2 (ResNetV2 shortcut) on 1x1", shape: pool(1, 4, 1, 1, k: (1, 1), stride: (2, 2))),
]

@Test("MaxPool and AveragePool match the scalar reference", arguments: poolCases)
func poolingMatchesReference(_ p: PoolCase) {
    let s = p.shape
    #expect(s.isValid)
    var values = SeededValues(seed: UInt64(s.inputCount))
    let input = values.array(s.inputCount)
    for average in [false, true] {
        var expected = [Float](repeating: 0, count: s.outputCount)
        var actual = [Float](repeating: .nan, count: s.outputCount)
        ReferenceKernels.pool2D(shape: s, average: average, countIncludePad: p.countIncludePad, input: input, output: &expected)
        if average {
            Pooling.averagePool2D(shape: s, countIncludePad: p.countIncludePad, input: input, output: &actual, threads: p.threads)
        } else {
            Pooling.maxPool2D(shape: s, input: input, output: &actual, threads: p.threads)
        }
        #expect(worstViolation(actual, expected) <= 1, "average: \(average)")
    }
}

/// Output sizes from the ONNX operator documentation's examples.
@Test("Pool2DShape output sizes follow ONNX (ceil_mode)")
func poolOutputSizes() {
    // MaxPool doc, maxpool_2d_ceil: 4x4 input, kernel 3, stride 2, ceil -> 2x2.
    #expect(pool(1, 1, 4, 4, k: (3, 3), stride: (2, 2), ceil: true).outHeight == 2)
    // Same without ceil -> 1x1.
    #expect(pool(1, 1, 4, 4, k: (3, 3), stride: (2, 2)).outHeight == 1)
    // ResNet stem pool: 112 -> 56 with pad 1.
    #expect(pool(1, 1, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1)).outWidth == 56)
}

@Test("Global pools match the scalar reference", arguments: [1, 15, 49, 64, 100])
func globalPoolsMatchReference(spatial: Int) {
    let planes = 5
    var values = SeededValues(seed: UInt64(spatial))
    let input = values.array(planes * spatial)
    for average in [false, true] {
        var expected = [Float](repeating: 0, count: planes)
        var actual = [Float](repeating: .nan, count: planes)
        ReferenceKernels.globalPool(average: average, input: input, output: &expected, planes: planes, spatial: spatial)
        if average {
            Pooling.globalAveragePool(input: input, output: &actual, planes: planes, spatial: spatial)
        } else {
            Pooling.globalMaxPool(input: input, output: &actual, planes: planes, spatial: spatial)
        }
        #expect(worstViolation(actual, expected) <= 1)
    }
}

@Test("MaxPool 3x3/2 takes the one-pass row kernel with pads of at most 1 a side and windows inside the padded input")
func strideTwoMaxPoolCoverage() {
    #expect(StrideTwoMaxPool.suits(pool(1, 64, 112, 112, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))))
    #expect(StrideTwoMaxPool.suits(pool(1, 64, 147, 147, k: (3, 3), stride: (2, 2))))
    #expect(StrideTwoMaxPool.suits(pool(1, 2, 36, 40, k: (3, 3), stride: (2, 2), pads: (0, 0, 1, 1))))
    #expect(!StrideTwoMaxPool.suits(pool(1, 2, 36, 40, k: (3, 3), stride: (2, 2), pads: (2, 2, 2, 2))))
    // Ceil mode's last window past the padded input: the general pool.
    #expect(!StrideTwoMaxPool.suits(pool(1, 2, 10, 10, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1), ceil: true)))
}
