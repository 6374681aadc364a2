@testable import Runtime
import Testing

/// A merged convolution (`SiblingMerge`) drops its own copy of the weights once its packed
/// kernel can give them back, like every convolution (`Convolution.releaseWeightsLocked`). Its
/// step used to read the weights on every run to check the input's channels, which rebuilt
/// that copy from the packed kernel on the second run and kept it from then on: every merged
/// layer's weights held twice.
@Suite struct MergedWeightsTests {
    @Test("a merged convolution keeps its weights released across runs, with the members' results")
    func weightsStayReleased() throws {
        let inputChannels = 16, height = 5, width = 6, plane = height * width
        let outputChannels = [8, 24]
        var state: UInt64 = 7
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
        let memberWeights = outputChannels.map { m in (0..<(m * inputChannels)).map { _ in next() } }
        let members = zip(outputChannels, memberWeights).enumerated().map { k, pair in
            FusedConvolution(
                name: "conv\(k)", ops: ["Conv"],
                convolution: Convolution(
                    pointwise: TensorValue(shape: [pair.0, inputChannels, 1, 1], floats: pair.1), bias: nil, activation: .none),
                input: "x", residual: nil, output: "y\(k)")
        }
        let merged = MergedConvolution(members)
        let kernel = merged.kernel()
        let inputValues = (0..<(inputChannels * plane)).map { _ in next() }
        let x = TensorValue(shape: [1, inputChannels, height, width], floats: inputValues)
        let context = ExecutionContext(threads: 1)
        for run in 1...3 {
            let results = try kernel([x], context)
            #expect(results.count == 2)
            #expect(!merged.convolution.holdsWeights, "run \(run): the weights were copied back")
            // Each member's output against the 1×1 convolution written out.
            for (k, result) in results.enumerated() {
                let m = outputChannels[k], w = memberWeights[k]
                #expect(result.shape == [1, m, height, width])
                var worst: Float = 0
                for o in 0..<m {
                    for p in 0..<plane {
                        var sum: Float = 0
                        for c in 0..<inputChannels { sum += w[o * inputChannels + c] * inputValues[c * plane + p] }
                        worst = max(worst, abs(result.floats[o * plane + p] - sum))
                    }
                }
                #expect(worst <= 1e-5, "run \(run), member \(k): off by \(worst)")
            }
        }
    }
}
