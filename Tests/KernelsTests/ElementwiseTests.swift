import Foundation
import Kernels
import Testing

let activations: [Activation] = [.none, .relu, .clip(min: -0.25, max: 0.5), .leakyRelu(alpha: 0.2), .sigmoid, .tanh]

@Test("Activation scalar forms follow the ONNX definitions")
func activationScalars() {
    #expect(Activation.relu.apply(-2) == 0 && Activation.relu.apply(3) == 3)
    #expect(Activation.clip(min: 0, max: 6).apply(7) == 6)
    #expect(Activation.leakyRelu(alpha: 0.1).apply(-2) == -0.2)
    #expect(abs(Activation.sigmoid.apply(0) - 0.5) < 1e-7)
    #expect(Activation.sigmoid.apply(-100) >= 0 && Activation.sigmoid.apply(100) == 1)
    #expect(abs(Activation.tanh.apply(1) - 0.7615942) < 1e-6)
}

@Test("Vector activations match the scalar forms", arguments: activations)
func activationBuffers(_ activation: Activation) {
    var values = SeededValues(seed: 3)
    let input = values.array(37).map { $0 * 4 }
    var output = [Float](repeating: .nan, count: input.count)
    Elementwise.activation(activation, input: input, output: &output, count: input.count)
    #expect(output == input.map { activation.apply($0) })
}

@Test("Binary operations match scalar arithmetic", arguments: [1, 16, 35])
func binaryOperations(count: Int) {
    var values = SeededValues(seed: UInt64(count))
    let a = values.array(count)
    let b = values.array(count).map { $0 + 2 }
    let cases: [(Elementwise.BinaryOperation, (Float, Float) -> Float)] = [
        (.add, +), (.subtract, -), (.multiply, *), (.divide, /), (.maximum, { max($0, $1) }), (.minimum, { min($0, $1) }),
    ]
    for (operation, scalar) in cases {
        var out = [Float](repeating: .nan, count: count)
        Elementwise.binary(operation, a, b, output: &out, count: count, activation: .relu)
        #expect(out == zip(a, b).map { max(scalar($0, $1), 0) }, "\(operation)")
        Elementwise.binary(operation, a, scalar: 1.5, output: &out, count: count)
        #expect(out == a.map { scalar($0, 1.5) }, "\(operation) scalar")
        Elementwise.binary(operation, b, scalar: 1.5, scalarFirst: true, output: &out, count: count)
        #expect(out == b.map { scalar(1.5, $0) }, "\(operation) scalar first")
    }
}

@Test("Per-channel affine map (inference BatchNormalization)")
func channelAffine() {
    let batch = 2, channels = 3, spatial = 21
    var values = SeededValues(seed: 11)
    let x = values.array(batch * channels * spatial)
    let scale = values.array(channels)
    let shift = values.array(channels)
    var y = [Float](repeating: .nan, count: x.count)
    Elementwise.channelAffine(
        input: x, output: &y, batch: batch, channels: channels, spatial: spatial, scale: scale, shift: shift,
        activation: .relu)
    var worst: Float = 0
    for i in 0..<x.count {
        let c = (i / spatial) % channels
        worst = max(worst, abs(y[i] - max(0, x[i] * scale[c] + shift[c])))
    }
    #expect(worst < 1e-6)
}

@Test("Softmax rows sum to one and match exp / sum")
func softmaxRows() {
    let rows = 3, columns = 19
    var values = SeededValues(seed: 5)
    let x = values.array(rows * columns).map { $0 * 20 }
    var y = [Float](repeating: .nan, count: x.count)
    Elementwise.softmax(input: x, output: &y, rows: rows, columns: columns)
    for r in 0..<rows {
        let row = Array(x[r * columns..<(r + 1) * columns]).map(Double.init)
        let top = row.max()!
        let total = row.map { exp($0 - top) }.reduce(0, +)
        for j in 0..<columns {
            let expected = Float(exp(row[j] - top) / total)
            #expect(abs(y[r * columns + j] - expected) <= 1e-6 + 1e-5 * expected)
        }
    }
}
