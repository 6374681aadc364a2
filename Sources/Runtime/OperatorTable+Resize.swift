import Foundation
import ONNXIR

/// Resize (opset 11+): nearest, linear and cubic, every coordinate transformation mode, run
/// one axis at a time (each mode is separable), antialiased linear/cubic downsampling included.
extension Operators {
    static let resize = OperatorDefinition("Resize", [
        OperatorSpec(opsets: 11...OperatorTable.newestOpset, inputs: 1...4, types: { n, t in
            try TypeRules.require(t, 1, TypeRules.float)
            try TypeRules.require(t, 2, TypeRules.float)
            try TypeRules.require(t, 3, [.int64])
            return try floats(n, Array(t.prefix(1)))
        }) { node, _ in
            let options = try ResizeOptions(node)
            return { inputs, c in
                let x = try inputs[0]
                let plan = try options.axes(x.shape, roi: inputs.optional(1)?.floatArray(),
                                            scales: inputs.optional(2)?.floatArray(), sizes: inputs.integers(3))
                var y = x
                for axis in plan where axis.changes { y = options.resize(y, axis: axis, c) }
                return [y]
            }
        },
    ])
}

/// One axis of a resize: lengths, scale and the roi for tf_crop_and_resize.
struct ResizeAxis {
    var axis: Int
    var inputLength: Int
    var outputLength: Int
    var scale: Float
    var roiStart: Float = 0
    var roiEnd: Float = 1
    var crops: Bool
    var changes: Bool { crops || outputLength != inputLength || scale != 1 }
}
