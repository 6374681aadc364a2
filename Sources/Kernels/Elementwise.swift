import Foundation

/// Elementwise kernels over contiguous float32 buffers (vector main loop + scalar tail).
/// Outputs may alias an input (in-place use is fine); other overlaps are not allowed.
public enum Elementwise {
    /// The binary operations the runtime vectorizes.
    public enum BinaryOperation: Sendable, Equatable {
        case add, subtract, multiply, divide, maximum, minimum
    }

    /// `output[i] = a[i] op b[i]` for equal-length buffers, then `activation`.
    public static func binary(
        _ operation: BinaryOperation, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, count: Int, activation: Activation = .none
    ) {
        switch operation {
        case .add: map2(a, b, output, count, activation) { $0 + $1 } scalar: { $0 + $1 }
        case .subtract: map2(a, b, output, count, activation) { $0 - $1 } scalar: { $0 - $1 }
        case .multiply: map2(a, b, output, count, activation) { $0 * $1 } scalar: { $0 * $1 }
        case .divide: map2(a, b, output, count, activation) { $0 / $1 } scalar: { $0 / $1 }
        case .maximum: map2(a, b, output, count, activation) { lanewiseMax($0, $1) } scalar: { Swift.max($0, $1) }
        case .minimum: map2(a, b, output, count, activation) { lanewiseMin($0, $1) } scalar: { Swift.min($0, $1) }
        }
    }

    /// `output[i] = a[i] op scalar` (or `scalar op a[i]` when `scalarFirst`), then `activation`.
    public static func binary(
        _ operation: BinaryOperation, _ a: UnsafePointer<Float>, scalar: Float, scalarFirst: Bool = false,
        output: UnsafeMutablePointer<Float>, count: Int, activation: Activation = .none
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { splat in
            splat.initialize(repeating: scalar)
            let s = splat.baseAddress!
            // Broadcast by reading the same 16 floats: stride 0 on the scalar side.
            var i = 0
            while i < count {
                let n = Swift.min(16, count - i)
                if scalarFirst {
                    binary(operation, UnsafePointer(s), a + i, output: output + i, count: n, activation: activation)
                } else {
                    binary(operation, a + i, UnsafePointer(s), output: output + i, count: n, activation: activation)
                }
                i += n
            }
        }
    }

    /// `output = activation(input)`; `count` floats.
    public static func activation(
        _ activation: Activation, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int
    ) {
        if UnsafePointer(output) != input {
            output.update(from: input, count: count)
        }
        activation.apply(output, count: count)
    }

    /// Per-channel affine map over NCHW: `y = activation(x · scale[c] + shift[c])`.
    /// Inference BatchNormalization, and the Mul + Add pairs Keras ResNetV2 exports.
    /// `scale` / `shift` nil mean 1 / 0.
    public static func channelAffine(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        batch: Int, channels: Int, spatial: Int,
        scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, activation: Activation = .none
    ) {
        for n in 0..<batch {
            for c in 0..<channels {
                let offset = (n * channels + c) * spatial
                let x = input + offset
                let y = output + offset
                let a = scale?[c] ?? 1
                let b = shift?[c] ?? 0
                let av = SIMD16<Float>(repeating: a), bv = SIMD16<Float>(repeating: b)
                var i = 0
                while i + 16 <= spatial {
                    let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(y + i).storeBytes(of: activation.apply(v * av + bv), as: SIMD16<Float>.self)
                    i += 16
                }
                while i < spatial {
                    y[i] = activation.apply(x[i] * a + b)
                    i += 1
                }
            }
        }
    }

    /// Row-wise softmax over a rows × columns matrix (ONNX Softmax, opset 13 axis = last).
    public static func softmax(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) {
        for r in 0..<rows {
            let x = input + r * columns
            let y = output + r * columns
            let top = Reduce.maximum(x, count: columns)
            var total: Float = 0
            for j in 0..<columns {
                let e = expf(x[j] - top)
                y[j] = e
                total += e
            }
            let inverse = 1 / total
            for j in 0..<columns { y[j] *= inverse }
        }
    }

    @inline(__always)
    private static func map2(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ count: Int, _ activation: Activation,
        _ vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, scalar: (Float, Float) -> Float
    ) {
        var i = 0
        while i + 16 <= count {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: activation.apply(vector(x, y)), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            out[i] = activation.apply(scalar(a[i], b[i]))
            i += 1
        }
    }
}
