import Foundation
import ONNXIR

/// Conv and the pools: MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool.
extension Operators {
    static let floats = TypeRules.same(TypeRules.float)

    /// Conv: constant weights are packed once at load; weights computed at run time per call.
    static let conv = OperatorDefinition("Conv", [
        OperatorSpec(inputs: 2...3, types: floats) { node, constants in
            if let w = constants.optional(1) {
                let conv = try Convolution(node: node, weights: w, bias: constants.optional(2))
                return { inputs, c in [try conv.run(try inputs[0], residual: nil, c)] }
            }
            return { inputs, c in
                let conv = try Convolution(node: node, weights: try inputs[1], bias: inputs.optional(2))
                return [try conv.run(try inputs[0], residual: nil, c)]
            }
        },
    ])

    static let maxPool = OperatorDefinition("MaxPool", [
        OperatorSpec(inputs: 1...1, outputs: 1...2, types: { _, t in
            guard t[0] == .float else { throw TypeRuleError.input(0) }
            return [.float, .int64]
        }) { node, _ in
            let window = try PoolAttributes(node)
            let columnMajor = try node.int("storage_order", default: 0) == 1
            let wantsIndices = node.node.outputs.count > 1 && node.node.outputs[1] != ""
            return { inputs, c in
                let x = try inputs[0]
                let (y, i) = WindowPooling.maxPool(x, try window.geometry(x), indices: wantsIndices, columnMajor: columnMajor, ceilMode: window.ceilMode, c)
                return i.map { [y, $0] } ?? [y]
            }
        },
    ])

    static let averagePool = OperatorDefinition("AveragePool", [
        OperatorSpec(inputs: 1...1, types: floats) { node, _ in
            let window = try PoolAttributes(node)
            let includePad = try node.int("count_include_pad", default: 0) != 0
            return { inputs, c in
                let x = try inputs[0]
                return [WindowPooling.averagePool(x, try window.geometry(x), countIncludePad: includePad, ceilMode: window.ceilMode, c)]
            }
        },
    ])

    static let globalAveragePool = OperatorDefinition("GlobalAveragePool", [globalPool(max: false)])
    static let globalMaxPool = OperatorDefinition("GlobalMaxPool", [globalPool(max: true)])

    static func globalPool(max useMax: Bool) -> OperatorSpec {
        OperatorSpec(inputs: 1...1, types: floats) { _, _ in
            { inputs, c in
                let x = try inputs[0]
                guard x.rank >= 3 else { throw KernelError("input must have spatial dimensions") }
                return [WindowPooling.global(x, max: useMax, c)]
            }
        }
    }
}

/// Kernel, strides, pads, dilations and ceil mode of a pooling node.
struct PoolAttributes {
    var kernel: [Int]
    var strides: [Int]?
    var dilations: [Int]?
    var pads: [Int]?
    var autoPad: String
    var ceilMode: Bool

    init(_ node: NodeAttributes) throws {
        guard let k = try node.ints("kernel_shape") else { throw node.invalid("attribute 'kernel_shape' is required") }
        kernel = k
        strides = try node.ints("strides")
        dilations = try node.ints("dilations")
        pads = try node.ints("pads")
        autoPad = node.string("auto_pad", default: "NOTSET")
        ceilMode = try node.int("ceil_mode", default: 0) != 0
    }

    func geometry(_ x: TensorValue) throws -> WindowGeometry {
        guard x.rank == kernel.count + 2 else { throw KernelError("input rank \(x.rank) does not match kernel \(kernel)") }
        return try WindowGeometry(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations,
                                  pads: pads, autoPad: autoPad, ceilMode: ceilMode)
    }
}
