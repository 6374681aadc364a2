import Foundation

/// How the micro-kernel computes `a·b + c`. The fused form is one instruction where the build
/// targets FMA hardware (x86 with `-target-cpu native` / `-march`, every arm64), but on x86
/// builds without those flags it becomes a libm `fmaf` call per lane (~100× slower). The
/// separate form is a multiply and an add everywhere. `MultiplyAddChoice` times both once
/// and kernels use the faster, so a build without CPU flags stays usable.
protocol MultiplyAdd {
    static func apply(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float>
}

enum FusedMultiplyAdd: MultiplyAdd {
    @inline(__always)
    static func apply(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> {
        c.addingProduct(a, b)
    }
}

enum SeparateMultiplyAdd: MultiplyAdd {
    @inline(__always)
    static func apply(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> {
        a * b + c
    }
}

enum MultiplyAddChoice {
    /// Whether the fused form is at least about as fast as the separate one in this build on
    /// this machine (decided once, in well under a millisecond where FMA is native).
    static let fused: Bool = {
        let fusedTime = time(FusedMultiplyAdd.self)
        let separateTime = time(SeparateMultiplyAdd.self)
        return fusedTime <= separateTime * 1.5
    }()

    /// Best of three runs of a short chain of multiply-adds, in seconds.
    private static func time<F: MultiplyAdd>(_: F.Type) -> Double {
        var best = Double.infinity
        var sink = SIMD16<Float>()
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            sink += chain(F.self, seed: sink)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            best = min(best, elapsed)
        }
        blackHole = sink.sum()
        return best
    }

    @inline(never)
    private static func chain<F: MultiplyAdd>(_: F.Type, seed: SIMD16<Float>) -> SIMD16<Float> {
        var c0 = seed, c1 = seed + 1, c2 = seed + 2, c3 = seed + 3
        let a = SIMD16<Float>(repeating: 0.999), b = SIMD16<Float>(repeating: 0.001)
        for _ in 0..<256 {
            c0 = F.apply(a, c0, b)
            c1 = F.apply(a, c1, b)
            c2 = F.apply(a, c2, b)
            c3 = F.apply(a, c3, b)
        }
        return c0 + c1 + c2 + c3
    }

    /// Keeps the timed results observable so the loops are not optimized away.
    nonisolated(unsafe) private static var blackHole: Float = 0
}
