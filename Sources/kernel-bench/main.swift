// Micro benchmark of the convolution kernels on ResNet50-like shapes (tools/bench_kernels.sh).
// Prints one JSON object per shape: name, shape, median/min milliseconds and GFLOP/s.
// Usage: kernel-bench [--threads N] [--runs N] [--filter SUBSTRING [--exact]] [--cold] [--cold-weights] [--residual]
//                     [--remote-input] [--remote-output] [--kernel NAME] [--algorithm NAME]
//                     [--ab [--ab-kernel NAME] [--ab-algorithm NAME] [--ab-packed]] [--times] [--list]
// --cold evicts the caches before each call; --cold-weights cycles through enough copies of the
// layer that each call's weights come from memory while its input, output and scratch stay
// cached (a layer inside a network whose weights exceed the last-level cache); --residual fuses a residual add; --remote-input /
// --remote-output leave the input / output last written by the other thread (two threads on
// different dies: see CoreDistance); --kernel pins the
// micro-kernel variant (avx512, avx2, portable; default: the best this CPU runs); --ab times a
// second instance against the first, built with --ab-kernel's variant and --ab-algorithm's
// algorithm (pixelStrips, channelStrips, winograd2x2, winograd4x4, winogradLine; default: chosen by
// shape); --ab-packed makes B pack its input where the direct form would read the taps
// (`Conv2D+Taps`); --times adds every timed call's milliseconds, in the order they ran ("timesMs": a slow
// run of two-thread calls shows whether the slowness is in every call or in some).
import Foundation
import Kernels

struct Case {
    var name: String
    var shape: Conv2DShape
}

func conv(
    _ name: String, _ c: Int, _ hw: Int, _ oc: Int, _ k: Int, stride: Int = 1, pad: Int = 0
) -> Case {
    rect(name, c, hw, oc, (k, k), stride: stride, pads: (pad, pad))
}

/// Rectangular kernels with (top/bottom, left/right) padding, as in Inception's 1×7 / 7×1.
func rect(
    _ name: String, _ c: Int, _ hw: Int, _ oc: Int, _ k: (Int, Int), stride: Int = 1, pads: (Int, Int) = (0, 0)
) -> Case {
    Case(name: name, shape: Conv2DShape(
        batch: 1, inChannels: c, inHeight: hw, inWidth: hw, outChannels: oc,
        kernelHeight: k.0, kernelWidth: k.1, strideHeight: stride, strideWidth: stride,
        padTop: pads.0, padLeft: pads.1, padBottom: pads.0, padRight: pads.1))
}

let cases: [Case] = [
    // ResNet50 (224).
    conv("stem 7x7/2 3->64 @224", 3, 224, 64, 7, stride: 2, pad: 3),
    conv("1x1 64->64 @56", 64, 56, 64, 1),
    conv("3x3 64->64 @56", 64, 56, 64, 3, pad: 1),
    conv("1x1 64->256 @56", 64, 56, 256, 1),
    conv("1x1 256->64 @56", 256, 56, 64, 1),
    conv("1x1/2 256->128 @56", 256, 56, 128, 1, stride: 2),
    conv("3x3 128->128 @28", 128, 28, 128, 3, pad: 1),
    conv("1x1 512->128 @28", 512, 28, 128, 1),
    conv("3x3 256->256 @14", 256, 14, 256, 3, pad: 1),
    conv("1x1 1024->256 @14", 1024, 14, 256, 1),
    conv("1x1 256->1024 @14", 256, 14, 1024, 1),
    conv("3x3 512->512 @7", 512, 7, 512, 3, pad: 1),
    conv("1x1 2048->512 @7", 2048, 7, 512, 1),
    conv("1x1 512->2048 @7", 512, 7, 2048, 1),
    // Inception-ResNet-V2 (299).
    conv("irv2 stem 3x3/2 3->32 @299", 3, 299, 32, 3, stride: 2),
    conv("irv2 stem 3x3 32->32 @149", 32, 149, 32, 3),
    conv("irv2 stem 3x3 32->64 @147", 32, 147, 64, 3, pad: 1),
    conv("irv2 stem 3x3 80->192 @73", 80, 73, 192, 3),
    conv("irv2 1x1 320->32 @35", 320, 35, 32, 1),
    conv("irv2 3x3 32->48 @35", 32, 35, 48, 3, pad: 1),
    conv("irv2 3x3 32->32 @35", 32, 35, 32, 3, pad: 1),
    conv("irv2 3x3 48->64 @35", 48, 35, 64, 3, pad: 1),
    conv("3x3 32->32 @14", 32, 14, 32, 3, pad: 1),
    conv("irv2 1x1 128->320 @35", 128, 35, 320, 1),
    conv("irv2 3x3 256->256 @35", 256, 35, 256, 3, pad: 1),
    conv("v3 3x3 64->96 @35", 64, 35, 96, 3, pad: 1),
    // Inception-V3's mixed 5b-5d branch 1×1s merged into one (64 + 48 + 64 outputs).
    conv("v3 1x1 192->176 @35", 192, 35, 176, 1),
    conv("v3 1x1 256->176 @35", 256, 35, 176, 1),
    conv("v3 1x1 288->176 @35", 288, 35, 176, 1),
    conv("v3 3x3 96->96 @35", 96, 35, 96, 3, pad: 1),
    conv("v4 3x3 192->224 @35", 192, 35, 224, 3, pad: 1),
    conv("v4 stem 3x3 64->96 @73", 64, 73, 96, 3),
    conv("irv2 3x3 256->288 @17", 256, 17, 288, 3, pad: 1),
    conv("v3 3x3 448->384 @8", 448, 8, 384, 3, pad: 1),
    conv("irv2 3x3/2 320->384 @35", 320, 35, 384, 3, stride: 2),
    conv("v3 3x3/2 288->384 @35", 288, 35, 384, 3, stride: 2),
    conv("v4 3x3/2 64->96 @147", 64, 147, 96, 3, stride: 2),
    conv("v4 3x3/2 192->192 @71", 192, 71, 192, 3, stride: 2),
    conv("irv2 1x1 1088->192 @17", 1088, 17, 192, 1),
    // Read in place (at most 128 outputs), one column past whole strips: Inception-V4's pooled
    // branches (1×1 first, `PoolReorder`) and its stem's 160 → 64 at 73×73.
    conv("v4 1x1 1024->128 @17", 1024, 17, 128, 1),
    conv("v4 1x1 160->64 @73", 160, 73, 64, 1),
    // Inception-V4's block-A pooled branch (1×1 first), read in place.
    conv("v4 1x1 384->96 @35", 384, 35, 96, 1),
    // The block-B 1×1s 1088 → 192 and 1088 → 128 merged into one (`SiblingMerge`).
    conv("irv2 1x1 1088->320 @17", 1088, 17, 320, 1),
    // Inception-V4's block-B 1×1s 1024 → 384, 192 and 192 merged into one (`SiblingMerge`).
    conv("v4 1x1 1024->768 @17", 1024, 17, 768, 1),
    rect("irv2 1x7 128->160 @17", 128, 17, 160, (1, 7), pads: (0, 3)),
    rect("irv2 7x1 160->192 @17", 160, 17, 192, (7, 1), pads: (3, 0)),
    rect("v4 1x7 224->256 @17", 224, 17, 256, (1, 7), pads: (0, 3)),
    rect("v4 1x7 64->64 @73", 64, 73, 64, (1, 7), pads: (0, 3)),
    rect("v4 7x1 64->64 @73", 64, 73, 64, (7, 1), pads: (3, 0)),
    conv("irv2 1x1 384->1088 @17", 384, 17, 1088, 1),
    conv("irv2 1x1 2080->192 @8", 2080, 8, 192, 1),
    // The block-C 1×1s 2080 → 192 and 2080 → 192 merged into one (`SiblingMerge`).
    conv("irv2 1x1 2080->384 @8", 2080, 8, 384, 1),
    rect("irv2 1x3 192->224 @8", 192, 8, 224, (1, 3), pads: (0, 1)),
    rect("irv2 3x1 224->256 @8", 224, 8, 256, (3, 1), pads: (1, 0)),
    conv("irv2 1x1 448->2080 @8", 448, 8, 2080, 1),
    // MobileNetV2 (torchvision, 224): the pointwise convolutions around the depthwise ones.
    conv("mnv2 stem 3x3/2 3->32 @224", 3, 224, 32, 3, stride: 2, pad: 1),
    conv("mnv2 1x1 16->96 @112", 16, 112, 96, 1),
    conv("mnv2 1x1 32->16 @112", 32, 112, 16, 1),
    conv("mnv2 1x1 24->144 @56", 24, 56, 144, 1),
    conv("mnv2 1x1 144->24 @56", 144, 56, 24, 1),
    conv("mnv2 1x1 32->192 @28", 32, 28, 192, 1),
    conv("mnv2 1x1 192->32 @28", 192, 28, 32, 1),
    conv("mnv2 1x1 64->384 @14", 64, 14, 384, 1),
    conv("mnv2 1x1 384->64 @14", 384, 14, 64, 1),
    conv("mnv2 1x1 96->576 @14", 96, 14, 576, 1),
    conv("mnv2 1x1 576->96 @14", 576, 14, 96, 1),
    conv("mnv2 1x1 160->960 @7", 160, 7, 960, 1),
    conv("mnv2 1x1 960->160 @7", 960, 7, 160, 1),
    conv("mnv2 1x1 320->1280 @7", 320, 7, 1280, 1),
]

var threads = 1
var runs = 30
var filter = ""
var exact = false
var abTest = false
var kernelA = MicroKernel.preferred
var kernelB = MicroKernel.preferred
var algorithmA: String?
var algorithmB: String?
/// --ab-packed: instance B packs B where A reads the taps.
var packedB = false
func algorithm(_ name: String?, for s: Conv2DShape) -> ConvolutionAlgorithm? {
    guard let name else { return nil }
    guard let a = ConvolutionAlgorithm(rawValue: name) else {
        let names = ConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write("kernel-bench: --algorithm wants one of \(names)\n".data(using: .utf8)!)
        exit(2)
    }
    return a.supports(s) ? a : nil
}
func kernelNamed(_ name: String?) -> MicroKernel {
    guard let name, let kernel = MicroKernel.supported(named: name) else {
        let names = MicroKernel.supported.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write("kernel-bench: --kernel wants one of \(names)\n".data(using: .utf8)!)
        exit(2)
    }
    return kernel
}
/// --cold: evict the caches before each timed call (weights and input come from memory, as
/// they do inside a whole network whose weights exceed the last-level cache).
var cold = false
/// --cold-weights: each timed call runs the next of `weightCopies` instances of the layer (same
/// weights, stored apart), enough to outgrow the last-level cache.
var coldWeights = false
func weightCopies(_ s: Conv2DShape) -> Int { coldWeights ? min(256, max(2, (128 << 20) / max(1, s.weightCount * 4))) : 1 }
/// --residual: fuse a residual add (as Conv+Add+Relu in ResNet / Inception-ResNet blocks).
var withResidual = false
/// --remote-input / --remote-output (two threads): before each call the two workers rewrite the
/// input by channel halves, and the output's halves swapped, as a network's previous layers
/// leave them (the lines sit dirty in one core's cache each).
var remoteInput = false
var remoteOutput = false
/// --times: every timed call, in order, in the JSON line.
var printTimes = false
func dirty(_ buffer: UnsafeMutablePointer<Float>, count: Int, swapped: Bool) {
    WorkerPool.shared.run(workers: 2) { w in
        let half = swapped ? 1 - w : w
        let lo = half * count / 2, hi = (half + 1) * count / 2
        for i in lo..<hi { buffer[i] += 0 }
    }
}
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--threads": threads = Int(arguments.next() ?? "") ?? 1
    case "--runs": runs = Int(arguments.next() ?? "") ?? 30
    case "--filter": filter = arguments.next() ?? ""
    case "--exact": exact = true
    case "--ab": abTest = true
    case "--kernel": kernelA = kernelNamed(arguments.next())
    case "--ab-kernel": kernelB = kernelNamed(arguments.next())
    case "--algorithm": algorithmA = arguments.next()
    case "--ab-algorithm": algorithmB = arguments.next()
    case "--ab-packed": packedB = true
    case "--cold": cold = true
    case "--cold-weights": coldWeights = true
    case "--residual": withResidual = true
    case "--remote-input": remoteInput = true
    case "--remote-output": remoteOutput = true
    case "--times": printTimes = true
    case "--list":
        for c in cases { print(c.name) }
        exit(0)
    default:
        FileHandle.standardError.write("usage: kernel-bench [--threads N] [--runs N] [--filter S [--exact]] [--cold] [--cold-weights] [--residual] [--remote-input] [--remote-output] [--kernel NAME] [--algorithm NAME] [--ab [--ab-kernel NAME] [--ab-algorithm NAME] [--ab-packed]] [--times] [--list]\n".data(using: .utf8)!)
        exit(2)
    }
}

/// With one thread, the calling thread's CPU time: on a shared, loaded machine it leaves out
/// the time other processes held the core. With more threads, wall-clock time.
/// Larger than the last-level cache; rewritten to evict it.
var evictionBuffer = [Float](repeating: 0, count: cold ? 16 << 20 : 0)
func evictCaches() {
    if !cold { return }
    evictionBuffer.withUnsafeMutableBufferPointer { b in
        for i in stride(from: 0, to: b.count, by: 16) { b[i] += 1 }
    }
}

func seconds() -> Double {
    var t = timespec()
    clock_gettime(threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

for c in cases where filter.isEmpty || (exact ? c.name == filter : c.name.contains(filter)) {
    let s = c.shape
    let input = (0..<s.inputCount).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
    let weights = (0..<s.weightCount).map { Float(($0 * 104_729) % 1000) / 1000 - 0.5 }
    let bias = [Float](repeating: 0.1, count: s.outChannels)
    var output = [Float](repeating: 0, count: s.outputCount)
    let residual = [Float](repeating: 0.25, count: withResidual ? s.outputCount : 0)
    // An algorithm the shape does not support falls back to the chosen one.
    let kernel = Conv2D(
        shape: s, weights: weights, bias: bias, microKernel: kernelA, algorithm: algorithm(algorithmA, for: s))
    // --ab: a second instance to compare against (--ab-kernel / --ab-algorithm).
    let instanceB = Conv2D(
        shape: s, weights: weights, bias: bias, microKernel: kernelB, algorithm: algorithm(algorithmB, for: s),
        readsTaps: !packedB)
    let copiesA = [kernel] + (1..<weightCopies(s)).map { _ in
        Conv2D(shape: s, weights: weights, bias: bias, microKernel: kernelA, algorithm: algorithm(algorithmA, for: s))
    }
    let copiesB = [instanceB] + (1..<(abTest ? weightCopies(s) : 1)).map { _ in
        Conv2D(shape: s, weights: weights, bias: bias, microKernel: kernelB, algorithm: algorithm(algorithmB, for: s),
               readsTaps: !packedB)
    }
    var times: [Double] = []
    var timesB: [Double] = []
    output.withUnsafeMutableBufferPointer { out in
      residual.withUnsafeBufferPointer { r in
        input.withUnsafeBufferPointer { x in
            for run in 0..<(runs + 3) {
                for variant in (abTest ? [true, false] : [true]) {
                    evictCaches()
                    if remoteInput { dirty(UnsafeMutablePointer(mutating: x.baseAddress!), count: x.count, swapped: false) }
                    if remoteOutput { dirty(out.baseAddress!, count: out.count, swapped: true) }
                    let start = seconds()
                    (variant ? copiesA[run % copiesA.count] : copiesB[run % copiesB.count]).run(
                        input: x.baseAddress!, output: out.baseAddress!, residual: withResidual ? r.baseAddress : nil,
                        activation: .relu, threads: threads)
                    let elapsed = seconds() - start
                    if run >= 3 { if variant { times.append(elapsed) } else { timesB.append(elapsed) } }
                }
            }
        }
      }
    }
    if abTest {
        timesB.sort()
        let a = times.sorted()
        print(String(format: "%-30@ %@/%@  A %6.1f %6.1f   B %6.1f %6.1f   A/B best %.3f", c.name as NSString,
            kernel.algorithm.rawValue as NSString, instanceB.algorithm.rawValue as NSString,
            s.flops / a[a.count / 2] / 1e9, s.flops / a[0] / 1e9,
            s.flops / timesB[timesB.count / 2] / 1e9, s.flops / timesB[0] / 1e9, timesB[0] / a[0]))
        continue
    }
    let inOrder = printTimes
        ? ", \"timesMs\": [" + times.map { String(format: "%.4f", $0 * 1e3) }.joined(separator: ", ") + "]" : ""
    times.sort()
    let median = times[times.count / 2]
    let shapeText = [
        s.inChannels, s.inHeight, s.inWidth, s.outChannels, s.kernelHeight, s.kernelWidth,
        s.strideHeight, s.strideWidth, s.padTop, s.padLeft, s.padBottom, s.padRight,
    ]
        .map(String.init).joined(separator: ",")
    print(
        "{\"name\": \"\(c.name)\", \"kernel\": \"\(kernelA.name)\", \"algorithm\": \"\(kernel.algorithm)\", \"shape\": [\(shapeText)], \"medianMs\": \(String(format: "%.4f", median * 1e3)), "
            + "\"minMs\": \(String(format: "%.4f", times[0] * 1e3)), \"gflops\": \(String(format: "%.1f", s.flops / median / 1e9)), "
            + "\"bestGflops\": \(String(format: "%.1f", s.flops / times[0] / 1e9))\(inOrder)}")
}

/// Square-ish GEMMs (C = A·B), for the kernel's ceiling without convolution packing.
for (m, n, k) in [(96, 192, 256), (512, 512, 512), (1, 1000, 2048)] where filter.isEmpty || (!exact && "gemm".contains(filter)) {
    let a = (0..<(m * k)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
    let b = (0..<(k * n)).map { Float(($0 * 104_729) % 1000) / 1000 - 0.5 }
    var c = [Float](repeating: 0, count: m * n)
    var times: [Double] = []
    for run in 0..<(runs + 3) {
        let start = seconds()
        Gemm.multiply(
            transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
            beta: 0, c: &c, ldc: n, threads: threads, microKernel: kernelA)
        if run >= 3 { times.append(seconds() - start) }
    }
    times.sort()
    let flops = 2.0 * Double(m * n * k)
    print("{\"name\": \"gemm \(m)x\(n)x\(k)\", \"medianMs\": \(times[times.count / 2] * 1e3), "
        + "\"gflops\": \(String(format: "%.1f", flops / times[times.count / 2] / 1e9)), "
        + "\"bestGflops\": \(String(format: "%.1f", flops / times[0] / 1e9))}")
}

/// Pooling layers of ResNet50 / Inception-ResNet-V2.
let pools: [(String, Pool2DShape, Bool)] = [
    ("maxpool 3x3/2 64 @112 pad1", Pool2DShape(batch: 1, channels: 64, inHeight: 112, inWidth: 112, kernelHeight: 3,
        kernelWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), false),
    ("maxpool 3x3/2 64 @147", Pool2DShape(batch: 1, channels: 64, inHeight: 147, inWidth: 147, kernelHeight: 3,
        kernelWidth: 3, strideHeight: 2, strideWidth: 2), false),
    ("maxpool 3x3/2 192 @71", Pool2DShape(batch: 1, channels: 192, inHeight: 71, inWidth: 71, kernelHeight: 3,
        kernelWidth: 3, strideHeight: 2, strideWidth: 2), false),
    ("maxpool 3x3/2 320 @35", Pool2DShape(batch: 1, channels: 320, inHeight: 35, inWidth: 35, kernelHeight: 3,
        kernelWidth: 3, strideHeight: 2, strideWidth: 2), false),
    ("avgpool 3x3/1 192 @35 pad1", Pool2DShape(batch: 1, channels: 192, inHeight: 35, inWidth: 35, kernelHeight: 3,
        kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), true),
    ("avgpool 3x3/1 1024 @17 pad1", Pool2DShape(batch: 1, channels: 1024, inHeight: 17, inWidth: 17, kernelHeight: 3,
        kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), true),
    ("avgpool 3x3/1 1536 @8 pad1", Pool2DShape(batch: 1, channels: 1536, inHeight: 8, inWidth: 8, kernelHeight: 3,
        kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1), true),
    ("maxpool 3x3/2 1024 @17", Pool2DShape(batch: 1, channels: 1024, inHeight: 17, inWidth: 17, kernelHeight: 3,
        kernelWidth: 3, strideHeight: 2, strideWidth: 2), false),
]
for (name, shape, average) in pools where filter.isEmpty || (exact ? name == filter : name.contains(filter)) {
    let input = (0..<shape.inputCount).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
    var output = [Float](repeating: 0, count: shape.outputCount)
    var times: [Double] = []
    for run in 0..<(runs + 3) {
        evictCaches()
        let start = seconds()
        if average {
            Pooling.averagePool2D(shape: shape, countIncludePad: false, input: input, output: &output, threads: threads)
        } else {
            Pooling.maxPool2D(shape: shape, input: input, output: &output, threads: threads)
        }
        if run >= 3 { times.append(seconds() - start) }
    }
    times.sort()
    print("{\"name\": \"\(name)\", \"medianMs\": \(times[times.count / 2] * 1e3), \"gflops\": 0, \"bestGflops\": 0}")
}
