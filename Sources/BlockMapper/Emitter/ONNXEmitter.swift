import Blocks
import ONNXIR

/// Writes a `Network` as an ONNX model: NCHW (or an NHWC input transposed once, as Keras
/// exports have it), one node per layer named after the layer, a symbolic batch dimension,
/// initializers named `{layer}/kernel`, `{layer}/bias`, `{bn}/gamma`, … so that the same
/// network always gives the same bytes.
public struct ONNXEmitter: Sendable {
    public var options: EmitterOptions

    public init(options: EmitterOptions = EmitterOptions()) {
        self.options = options
    }

    public func emit(_ network: Network) throws -> Model {
        guard EmitterOptions.supportedOpsets.contains(options.opset) else { throw EmitError.unsupportedOpset(options.opset) }
        do { try NetworkValidator.validate(network) } catch let e as BuildError { throw EmitError.invalidStructure(e) }
        let g = GraphAssembly()
        g.reserve(network.inputName)
        g.reserve(network.outputName)
        let batch = Dimension(stringLiteral: options.batchDimension)
        let shape = network.inputShape
        let inputDims: [Dimension]
        var x = network.inputName
        switch network.inputLayout {
        case .nchw:
            inputDims = [batch, .init(integerLiteral: Int64(shape.channels)), .init(integerLiteral: Int64(shape.height)),
                         .init(integerLiteral: Int64(shape.width))]
        case .nhwc:
            inputDims = [batch, .init(integerLiteral: Int64(shape.height)), .init(integerLiteral: Int64(shape.width)),
                         .init(integerLiteral: Int64(shape.channels))]
            x = g.node("Transpose", name: "\(network.inputName)_nchw", inputs: [x], attributes: [.ints("perm", [0, 3, 1, 2])])
        }
        x = try emit(chain: network.stem.layers, from: x, block: network.stem.name, into: g)
        for block in network.blocks {
            x = try emit(block: block, from: x, into: g)
        }
        x = try emit(chain: network.tail, from: x, block: network.head?.name ?? "tail", into: g)
        let outputDims: [Dimension]
        if let head = network.head {
            x = try emit(head: head, from: x, into: g)
            outputDims = [batch, .init(integerLiteral: Int64(head.classes))]
        } else {
            let last = network.blockInputShapes.last.map { Layer.outputShape(of: network.tail, for: $0) } ?? shape
            outputDims = [batch, .init(integerLiteral: Int64(last.channels)), .init(integerLiteral: Int64(last.height)),
                          .init(integerLiteral: Int64(last.width))]
        }
        if x != network.outputName, !g.renameLastOutput(x, to: network.outputName) {
            g.node("Identity", name: "\(network.outputName)_identity", inputs: [x], output: network.outputName)
        }
        let graph = Graph(name: network.family.rawValue, nodes: g.nodes, initializers: g.initializers,
                          inputs: [.tensor(network.inputName, .float, inputDims)],
                          outputs: [.tensor(network.outputName, .float, outputDims)])
        return Model(irVersion: EmitterOptions.irVersion(forOpset: options.opset),
                     opsetImports: [OperatorSetID(domain: "", version: Int64(options.opset))],
                     producerName: "onnx-blocks", producerVersion: "0.1.0", graph: graph)
    }

    func emit(block: Block, from x: String, into g: GraphAssembly) throws -> String {
        switch block {
        case .residual(let b):
            let pre = try emit(chain: b.preActivation, from: x, block: b.name, into: g)
            let residual = try emit(chain: b.residual, from: pre, block: b.name, into: g)
            let shortcut: String
            switch b.shortcut {
            case .identity: shortcut = x
            case .projection(let chain):
                shortcut = try emit(chain: chain, from: b.shortcutFromPreActivation ? pre : x, block: b.name, into: g)
            case .pool(let p): shortcut = try emit(layer: .pool(p), from: x, block: b.name, into: g)
            }
            let addName = b.postAddition.isEmpty ? "\(b.name)_out" : "\(b.name)_add"
            let sum = g.node("Add", name: addName, inputs: [shortcut, residual])
            return try emit(chain: b.postAddition, from: sum, block: b.name, into: g)
        case .inception(let b):
            return try emit(chain: b.body, from: x, block: b.name, into: g)
        case .reduction(let b):
            return try emit(chain: b.body, from: x, block: b.name, into: g)
        case .inceptionResNet(let b):
            let mixed = try emit(layer: .concat(name: b.concatName, branches: b.branches), from: x, block: b.name, into: g)
            var up = b.up
            var scale: Float? = nil
            if case .explicit(let s) = b.scale {
                if options.foldResidualScale {
                    up.weights = up.weights.map { $0 * s }
                    up.bias = up.bias.map { $0.map { $0 * s } }
                } else {
                    scale = s
                }
            }
            var branch = try emit(conv: up, folding: nil, from: mixed, block: b.name, into: g)
            if let scale {
                let factor = g.constant("\(b.name)/scale", dims: [], values: [scale])
                branch = g.node("Mul", name: "\(b.name)_scale", inputs: [branch, factor])
            }
            let sum = g.node("Add", name: b.name, inputs: [x, branch])
            return b.activation ? g.node("Relu", name: "\(b.name)_ac", inputs: [sum]) : sum
        case .transition(let b):
            return try emit(chain: b.layers, from: x, block: b.name, into: g)
        case .convStage(let b):
            return try emit(chain: b.layers, from: x, block: b.name, into: g)
        case .invertedResidual(let b):
            let y = try emit(chain: b.layers, from: x, block: b.name, into: g)
            return b.hasShortcut ? g.node("Add", name: "\(b.name)_add", inputs: [x, y]) : y
        case .dense(let b):
            return try emit(chain: b.body, from: x, block: b.name, into: g)
        }
    }

    func emit(head: Head, from x: String, into g: GraphAssembly) throws -> String {
        var y = x
        switch head.pooling {
        case .globalAverage: y = g.node("GlobalAveragePool", name: "avg_pool", inputs: [y])
        case .globalMax: y = g.node("GlobalMaxPool", name: "max_pool", inputs: [y])
        case .average(let p): y = try emit(layer: .pool(p), from: y, block: head.name, into: g)
        case .none: break
        }
        y = g.node("Flatten", name: "flatten", inputs: [y], attributes: [.int("axis", 1)])
        for d in head.hidden {
            y = try emit(dense: d, from: y, head: head, into: g)
            y = g.node("Relu", name: "\(d.name)_relu", inputs: [y])
        }
        y = try emit(dense: head.dense, from: y, head: head, into: g)
        if head.softmax {
            y = g.node("Softmax", name: "\(head.dense.name)_softmax", inputs: [y], attributes: [.int("axis", 1)])
        }
        return y
    }

    func emit(dense d: Dense, from y: String, head: Head, into g: GraphAssembly) throws -> String {
        guard d.weights.count == d.inputFeatures * d.outputFeatures else {
            if d.weights.isEmpty { throw EmitError.missingWeights(block: head.name, layer: d.name) }
            throw EmitError.badWeightCount(block: head.name, layer: d.name, expected: d.inputFeatures * d.outputFeatures,
                                           found: d.weights.count)
        }
        var inputs = [y, g.constant("\(d.name)/kernel", dims: [d.inputFeatures, d.outputFeatures], values: d.weights)]
        if let bias = d.bias {
            guard bias.count == d.outputFeatures else {
                throw EmitError.badWeightCount(block: head.name, layer: "\(d.name)/bias", expected: d.outputFeatures, found: bias.count)
            }
            inputs.append(g.constant("\(d.name)/bias", dims: [d.outputFeatures], values: bias))
        }
        return g.node("Gemm", name: d.name, inputs: inputs)
    }
}
