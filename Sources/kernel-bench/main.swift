// Micro benchmark of the convolution kernels on ResNet50-like shapes (tools/bench_kernels.sh).
// Prints one JSON object per shape: name, shape, median/min milliseconds and GFLOP/s.
// Usage: kernel-bench [--threads N] [--runs N] [--filter SUBSTRING [--exact]] [--list]
import Foundation
import Kernels

struct Case {
    var name: String
    var shape: Conv2DShape
}

func conv(
    _ name: String, _ c: Int, _ hw: Int, _ oc: Int, _ k: Int, stride: Int = 1, pad: Int = 0
) -> Case {
    Case(name: name, shape: Conv2DShape(
        batch: 1, inChannels: c, inHeight: hw, inWidth: hw, outChannels: oc,
        kernelHeight: k, kernelWidth: k, strideHeight: stride, strideWidth: stride,
        padTop: pad, padLeft: pad, padBottom: pad, padRight: pad))
}

let cases: [Case] = [
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
    conv("3x3/2 32->32 @149 (Inception stem)", 32, 149, 32, 3, stride: 1),
]

var threads = 1
var runs = 30
var filter = ""
var exact = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--threads": threads = Int(arguments.next() ?? "") ?? 1
    case "--runs": runs = Int(arguments.next() ?? "") ?? 30
    case "--filter": filter = arguments.next() ?? ""
    case "--exact": exact = true
    case "--list":
        for c in cases { print(c.name) }
        exit(0)
    default:
        FileHandle.standardError.write("usage: kernel-bench [--threads N] [--runs N] [--filter S]\n".data(using: .utf8)!)
        exit(2)
    }
}

/// With one thread, the calling thread's CPU time: on a shared, loaded machine it leaves out
/// the time other processes held the core. With more threads, wall-clock time.
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
    let kernel = Conv2D(shape: s, weights: weights, bias: bias)
    var times: [Double] = []
    output.withUnsafeMutableBufferPointer { out in
        input.withUnsafeBufferPointer { x in
            for run in 0..<(runs + 3) {
                let start = seconds()
                kernel.run(input: x.baseAddress!, output: out.baseAddress!, residual: nil, activation: .relu, threads: threads)
                let elapsed = seconds() - start
                if run >= 3 { times.append(elapsed) }
            }
        }
    }
    times.sort()
    let median = times[times.count / 2]
    let shapeText = [s.inChannels, s.inHeight, s.outChannels, s.kernelHeight, s.strideHeight, s.padTop]
        .map(String.init).joined(separator: ",")
    print(
        "{\"name\": \"\(c.name)\", \"shape\": [\(shapeText)], \"medianMs\": \(String(format: "%.4f", median * 1e3)), "
            + "\"minMs\": \(String(format: "%.4f", times[0] * 1e3)), \"gflops\": \(String(format: "%.1f", s.flops / median / 1e9)), "
            + "\"bestGflops\": \(String(format: "%.1f", s.flops / times[0] / 1e9))}")
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
            beta: 0, c: &c, ldc: n, threads: threads)
        if run >= 3 { times.append(seconds() - start) }
    }
    times.sort()
    let flops = 2.0 * Double(m * n * k)
    print("{\"name\": \"gemm \(m)x\(n)x\(k)\", \"medianMs\": \(times[times.count / 2] * 1e3), "
        + "\"gflops\": \(String(format: "%.1f", flops / times[times.count / 2] / 1e9)), "
        + "\"bestGflops\": \(String(format: "%.1f", flops / times[0] / 1e9))}")
}
