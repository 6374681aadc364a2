import Blocks
import ONNXIR

/// Turns graph nodes into `Op`s: folds zero `Pad`s into the conv or pool after them, pairs
/// `Mul` + `Add` into a per-channel affine BN, `MatMul` + `Add` into a dense layer, and looks
/// through `Identity` / `Dropout`. Purely structural: names are carried, never interpreted.
struct OpExtractor {
    let view: GraphView
    let loadWeights: Bool

    private(set) var ops: [Op] = []
    /// Tensor → index of the op producing it.
    private(set) var producerOp: [String: Int] = [:]
    private(set) var shapes: [String: FeatureShape] = [:]
    /// Where `Identity`-like nodes and folded pads send a tensor.
    private var alias: [String: String] = [:]
    /// A folded zero pad: the padded tensor → (its source, the padding, the Pad node and helpers).
    private var pendingPads: [String: (source: String, padding: Padding, nodes: [Int])] = [:]
    private var absorbed = Set<Int>()
    /// Pass-through nodes waiting for the op that produced their input.
    private var passThroughNodes: [String: [Int]] = [:]
    private(set) var inputName: String
    private(set) var inputLayout: Network.InputLayout = .nchw
    private(set) var inputShape: FeatureShape
    private var inputIsNHWC: Bool
    /// The node turning the NHWC input into NCHW, when there is one.
    private var inputTranspose: Int?
    /// Tensors laid out NHWC (tf2onnx leaves NCHW ⇄ NHWC transposes around each conv), so that
    /// the logical C×H×W of what no block computes stays known for the blocks after it.
    private var channelsLast = Set<String>()

    init(view: GraphView, loadWeights: Bool) throws {
        self.view = view
        self.loadWeights = loadWeights
        let inputs = view.graph.runtimeInputs
        guard !inputs.isEmpty else { throw RecognitionError.noInput }
        guard inputs.count == 1, let input = inputs.first, let name = input.name else {
            throw RecognitionError.multipleInputs(inputs.compactMap(\.name))
        }
        inputName = name
        let dims = input.type?.tensorType?.shape?.dims.map(\.intValue) ?? []
        guard dims.count == 4 else {
            throw RecognitionError.unsupportedInputShape(input: name, reason: "rank \(dims.count); an image batch (rank 4) is expected")
        }
        // NHWC when the channel count sits last and a transpose to NCHW follows.
        // The transpose may follow a few elementwise ops with constants (Keras' `Rescaling`).
        var tensor = name
        var transpose: Int?
        for _ in 0..<4 {
            guard let list = view.consumers[tensor], list.count == 1 else { break }
            let consumer = view.node(list[0])
            if consumer.opType == "Transpose" {
                if consumer.attribute("perm")?.ints == [0, 3, 1, 2] { transpose = list[0] }
                break
            }
            guard ["Mul", "Add", "Sub", "Div", "Cast"].contains(consumer.opType ?? ""),
                  consumer.inputs.filter({ !$0.isEmpty && !view.isConstant($0) }).count == 1,
                  let out = consumer.outputs.first else { break }
            tensor = out
        }
        let transposesToNCHW = transpose != nil
        inputTranspose = transpose
        inputIsNHWC = transposesToNCHW
        let (c, h, w) = transposesToNCHW ? (dims[3], dims[1], dims[2]) : (dims[1], dims[2], dims[3])
        guard let c, let h, let w else {
            throw RecognitionError.unsupportedInputShape(input: name, reason: "channels, height and width must be fixed numbers")
        }
        guard [c, h, w].allSatisfy({ (1...(1 << 16)).contains($0) }) else {
            throw RecognitionError.unsupportedInputShape(input: name, reason: "channels, height and width must be between 1 and 65536, not \(c)×\(h)×\(w)")
        }
        inputShape = FeatureShape(channels: Int(c), height: Int(h), width: Int(w))
        shapes[name] = inputShape
        if transposesToNCHW { channelsLast.insert(name) }
    }

    /// Follows pass-through aliases to the tensor really computed. A graph that breaks SSA can
    /// make them a loop; after as many steps as there are aliases the walk stops there.
    func resolve(_ tensor: String) -> String {
        var t = tensor
        var steps = 0
        while let next = alias[t], steps <= alias.count {
            t = next
            steps += 1
        }
        return t
    }

    mutating func run() throws {
        for index in view.graph.nodes.indices where !absorbed.contains(index) {
            try extract(index)
            followLayout(index)
        }
        // Pass-through nodes whose producer never became an op stay with their consumers' fate.
        for (tensor, nodes) in passThroughNodes {
            if let p = producerOp[resolve(tensor)] { ops[p].nodes += nodes } else {
                emit(Op(kind: .unknown("pass-through of a tensor no block computes"), inputs: [], output: "", nodes: nodes))
            }
        }
    }

    private mutating func emit(_ op: Op) {
        var op = op
        op.primary = op.nodes.last ?? -1
        // Constant nodes feeding this op belong to it, with the constants they are made from.
        var k = 0
        while k < op.nodes.count {
            let n = op.nodes[k]
            k += 1
            for input in view.node(n).inputs where !input.isEmpty {
                if let c = view.constantNode[input], !absorbed.contains(c) {
                    absorbed.insert(c)
                    op.nodes.append(c)
                }
            }
        }
        if !op.output.isEmpty {
            producerOp[op.output] = ops.count
            if let s = op.shape { shapes[op.output] = s }
        }
        ops.append(op)
    }

    private func activationInputs(_ node: Node) -> [String] {
        node.inputs.filter { !$0.isEmpty && !view.isConstant($0) }.map(resolve)
    }

    private func label(_ index: Int) -> String { view.node(index).name ?? view.node(index).displayName }

    /// Operators whose output has their first input's shape (so shapes after them stay known).
    static let shapePreserving: Set<String> = [
        "Mul", "Add", "Sub", "Div", "Clip", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
        "Elu", "Selu", "Mish", "Softplus", "PRelu", "Identity", "Dropout", "BatchNormalization", "LRN", "Cast",
    ]

    private mutating func unknown(_ index: Int, _ reason: String) {
        let node = view.node(index)
        let inputs = activationInputs(node)
        emit(Op(kind: .unknown(reason), inputs: inputs, output: node.outputs.first ?? "", nodes: [index],
                shape: logicalShape(of: node, inputs: inputs)))
    }

    /// The C×H×W of what an op no block takes produces, whatever the layout of its tensors:
    /// elementwise ops keep the larger input's (a squeeze-excitation `Mul` broadcasts), layout
    /// transposes keep it, spatial pads and means change H and W on the layout's axes.
    private func logicalShape(of node: Node, inputs: [String]) -> FeatureShape? {
        let known = inputs.compactMap { shapes[$0] }
        guard let input = inputs.first, let first = shapes[input] else { return nil }
        let (h, w) = channelsLast.contains(input) ? (1, 2) : (2, 3)
        switch node.opType ?? "" {
        case let op where Self.shapePreserving.contains(op):
            return known.max { $0.height * $0.width < $1.height * $1.width }
        case "Transpose":
            return Self.layoutPerm(node) == nil ? nil : first
        case "Pad":
            var pads: [Int64] = node.attribute("pads")?.ints ?? []
            if pads.isEmpty, node.inputs.count > 1 { pads = view.constantIntegers(node.inputs[1]) ?? [] }
            guard pads.count == 8, node.inputs.count <= 3 || node.inputs[3].isEmpty,
                  pads[0] == 0, pads[4] == 0, pads[h == 1 ? 3 : 1] == 0, pads[h == 1 ? 7 : 5] == 0 else { return nil }
            return FeatureShape(channels: first.channels, height: first.height + Int(pads[h] + pads[h + 4]),
                                width: first.width + Int(pads[w] + pads[w + 4]))
        case "ReduceMean", "ReduceMax":
            let axes = node.attribute("axes")?.ints ?? (node.inputs.count > 1 ? view.constantIntegers(node.inputs[1]) ?? [] : [])
            guard node.attribute("keepdims")?.i ?? 1 == 1, Set(axes.map { $0 < 0 ? $0 + 4 : $0 }) == [Int64(h), Int64(w)] else { return nil }
            return FeatureShape(channels: first.channels, height: 1, width: 1)
        default:
            return nil
        }
    }

    /// Whether a `Transpose` goes to NHWC (`true`) or to NCHW (`false`); nil for another permutation.
    private static func layoutPerm(_ node: Node) -> Bool? {
        switch node.attribute("perm")?.ints ?? [] {
        case [0, 2, 3, 1]: return true
        case [0, 3, 1, 2]: return false
        default: return nil
        }
    }

    /// Carries the layout of a node's first activation input to its outputs; transposes set it.
    private mutating func followLayout(_ index: Int) {
        let node = view.node(index)
        guard let out = node.outputs.first, !out.isEmpty else { return }
        if node.opType == "Transpose", let toNHWC = Self.layoutPerm(node) {
            if toNHWC { channelsLast.insert(out) } else { channelsLast.remove(out) }
        } else if let input = activationInputs(node).first, channelsLast.contains(input) {
            channelsLast.insert(out)
        }
    }

    /// The single consumer node of `tensor`, if exactly one and not a graph output.
    private func soleConsumer(_ tensor: String) -> Int? {
        guard let list = view.consumers[tensor], list.count == 1, !view.graphOutputs.contains(tensor) else { return nil }
        return list[0]
    }

    /// Operators whose first input must be present.
    static let needsInput: Set<String> = [
        "Identity", "Dropout", "Transpose", "Pad", "Conv", "BatchNormalization", "Mul", "Add", "Sum", "Relu",
        "MaxPool", "AveragePool", "LRN", "Clip", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "Flatten", "Squeeze",
        "Reshape", "Gemm", "MatMul", "Softmax", "Concat",
    ]

    // swiftlint:disable:next cyclomatic_complexity
    private mutating func extract(_ index: Int) throws {
        let node = view.node(index)
        let op = node.opType ?? ""
        guard (node.domain ?? "").isEmpty || node.domain == "ai.onnx" else {
            return unknown(index, "operator \(node.domain!).\(op) is outside the default domain")
        }
        guard let firstOutput = node.outputs.first, !firstOutput.isEmpty else {
            return unknown(index, "\(op) without an output")
        }
        if Self.needsInput.contains(op), node.inputs.first?.isEmpty ?? true {
            return unknown(index, "\(op) without an input")
        }
        switch op {
        case "ConstantOfShape" where view.constantNode[firstOutput] == index, "Unsqueeze" where view.constantNode[firstOutput] == index,
             "Reshape" where view.constantNode[firstOutput] == index, "Identity" where view.constantNode[firstOutput] == index,
             "Constant":
            if let out = node.outputs.first, view.consumers[out] == nil {
                emit(Op(kind: .unknown("unused constant"), inputs: [], output: "", nodes: [index]))
            }
            // Otherwise it joins the op that consumes it.
        case "Identity", "Dropout":
            guard let input = node.inputs.first, let out = node.outputs.first else { return unknown(index, "\(op) without input") }
            if view.isConstant(input) { return unknown(index, "\(op) of a constant") }
            // `Identity x -> x` (SSA broken) would alias a name to itself: `resolve` would loop.
            let target = resolve(input)
            if target != out { alias[out] = target }
            passThroughNodes[input, default: []].append(index)
        case "Transpose":
            if index == inputTranspose, inputIsNHWC, let out = node.outputs.first {
                inputLayout = .nhwc
                emit(Op(kind: .inputTranspose, inputs: [], output: out, nodes: [index], shape: inputShape))
            } else {
                unknown(index, "Transpose inside the network")
            }
        case "Pad":
            try extractPad(index)
        case "Conv":
            try extractConv(index)
        case "BatchNormalization":
            try extractBatchNorm(index)
        case "Mul":
            try extractMul(index)
        case "Add", "Sum":
            try extractAdd(index)
        case "Relu":
            let inputs = activationInputs(node)
            emit(Op(kind: .layer(.activation(.relu, name: label(index))), inputs: inputs,
                    output: node.outputs[0], nodes: [index], shape: inputs.first.flatMap { shapes[$0] }))
        case "MaxPool", "AveragePool":
            extractPool(index)
        case "LRN":
            let size = node.attribute("size")?.i ?? 0
            guard (1...(1 << 16)).contains(size) else { return unknown(index, "LRN with size \(size)") }
            let inputs = activationInputs(node)
            let lrn = LocalResponseNorm(name: label(index), size: Int(size), alpha: node.attribute("alpha")?.f ?? 1e-4,
                                        beta: node.attribute("beta")?.f ?? 0.75, bias: node.attribute("bias")?.f ?? 1)
            emit(Op(kind: .layer(.localResponseNorm(lrn)), inputs: inputs, output: node.outputs[0], nodes: [index],
                    shape: inputs.first.flatMap { shapes[$0] }))
        case "Clip":
            try extractClip(index)
        case "GlobalAveragePool", "GlobalMaxPool":
            let inputs = activationInputs(node)
            emit(Op(kind: .globalPool(op == "GlobalMaxPool" ? .globalMax : .globalAverage), inputs: inputs,
                    output: node.outputs[0], nodes: [index]))
        case "ReduceMean":
            let axes = node.attribute("axes")?.ints ?? (node.inputs.count > 1 ? view.constantIntegers(node.inputs[1]) ?? [] : [])
            if Set(axes.map { $0 < 0 ? $0 + 4 : $0 }) == [2, 3] {
                emit(Op(kind: .globalPool(.globalAverage), inputs: activationInputs(node), output: node.outputs[0], nodes: [index]))
            } else {
                unknown(index, "ReduceMean over axes \(axes), not H and W")
            }
        case "Flatten", "Squeeze", "Reshape":
            emit(Op(kind: .flatten, inputs: activationInputs(node), output: node.outputs[0], nodes: [index]))
        case "Gemm", "MatMul":
            try extractDense(index)
        case "Softmax":
            emit(Op(kind: .softmax, inputs: activationInputs(node), output: node.outputs[0], nodes: [index]))
        case "Concat":
            let axis = node.attribute("axis")?.i ?? 1
            let inputs = activationInputs(node)
            let parts = inputs.compactMap { shapes[$0] }
            var shape: FeatureShape?
            if parts.count == inputs.count, let first = parts.first {
                shape = FeatureShape(channels: parts.reduce(0) { $0 + $1.channels }, height: first.height, width: first.width)
            }
            if (axis == 1 || axis == -3), inputs.count == node.inputs.count {
                emit(Op(kind: .concat, inputs: inputs, output: node.outputs[0], nodes: [index], shape: shape))
            } else {
                unknown(index, "Concat on axis \(axis) or of constants")
            }
        default:
            unknown(index, "operator \(op.isEmpty ? "<none>" : op) is not part of any block vocabulary")
        }
    }

    /// `Clip` to [0, 6] is ReLU6 (MobileNetV2); bounds come from attributes (opset < 11) or
    /// constant inputs.
    private mutating func extractClip(_ index: Int) throws {
        let node = view.node(index)
        var low = node.attribute("min")?.f, high = node.attribute("max")?.f
        if node.inputs.count > 1, !node.inputs[1].isEmpty { low = view.constantFloats(node.inputs[1])?.first }
        if node.inputs.count > 2, !node.inputs[2].isEmpty { high = view.constantFloats(node.inputs[2])?.first }
        guard low == 0, high == 6 else { return unknown(index, "Clip to [\(low.map { "\($0)" } ?? "-∞"), \(high.map { "\($0)" } ?? "∞")], not ReLU6") }
        let inputs = activationInputs(node)
        emit(Op(kind: .layer(.activation(.relu6, name: label(index))), inputs: inputs, output: node.outputs[0], nodes: [index],
                shape: inputs.first.flatMap { shapes[$0] }))
    }

    private mutating func extractPad(_ index: Int) throws {
        let node = view.node(index)
        let mode = node.attribute("mode")?.stringValue ?? "constant"
        var pads: [Int64] = node.attribute("pads")?.ints ?? []
        if pads.isEmpty, node.inputs.count > 1 { pads = view.constantIntegers(node.inputs[1]) ?? [] }
        var value: Float = node.attribute("value")?.f ?? 0
        if node.inputs.count > 2, !node.inputs[2].isEmpty { value = view.constantFloats(node.inputs[2])?.first ?? .nan }
        let axesGiven = node.inputs.count > 3 && !node.inputs[3].isEmpty
        guard let spatial = SpatialZeroPad.spatialPads(mode: mode, pads: pads, value: value, axesGiven: axesGiven),
              spatial.count == 4, let input = node.inputs.first, let out = node.outputs.first,
              let consumers = view.consumers[out], !consumers.isEmpty, !view.graphOutputs.contains(out),
              consumers.allSatisfy({ ["Conv", "MaxPool", "AveragePool"].contains(view.node($0).opType ?? "") })
        else { return try extractChannelsLastPad(index, pads: pads, value: value, mode: mode) }
        var nodes = [index]
        for t in node.inputs.dropFirst() where !t.isEmpty {
            if let c = view.constantNode[t], !absorbed.contains(c) { absorbed.insert(c); nodes.append(c) }
        }
        let padding = Padding(top: spatial[0], left: spatial[1], bottom: spatial[2], right: spatial[3])
        guard Self.sane(padding) else { return unknown(index, "Pad with huge pads") }
        pendingPads[out] = (resolve(input), padding, nodes)
    }

    /// tf2onnx's `ZeroPadding2D` before a conv: a zero pad of an NHWC tensor, then the transpose
    /// to NCHW the conv reads. Both fold into the conv or pool, like an NCHW pad.
    private mutating func extractChannelsLastPad(_ index: Int, pads: [Int64], value: Float, mode: String) throws {
        let node = view.node(index)
        guard mode == "constant", value == 0, pads.count == 8, node.inputs.count <= 3 || node.inputs[3].isEmpty,
              let input = node.inputs.first, channelsLast.contains(resolve(input)),
              pads[0] == 0, pads[3] == 0, pads[4] == 0, pads[7] == 0,
              pads.allSatisfy({ (0...(1 << 20)).contains($0) }),
              let out = node.outputs.first, let transpose = soleConsumer(out),
              view.node(transpose).opType == "Transpose", Self.layoutPerm(view.node(transpose)) == false,
              let nchw = view.node(transpose).outputs.first, !view.graphOutputs.contains(nchw),
              let consumers = view.consumers[nchw], !consumers.isEmpty,
              consumers.allSatisfy({ ["Conv", "MaxPool", "AveragePool"].contains(view.node($0).opType ?? "") })
        else { return unknown(index, "Pad that is not a zero spatial pad before a conv or pool") }
        var nodes = [index, transpose]
        absorbed.insert(transpose)
        for t in node.inputs.dropFirst() where !t.isEmpty {
            if let c = view.constantNode[t], !absorbed.contains(c) { absorbed.insert(c); nodes.append(c) }
        }
        pendingPads[nchw] = (resolve(input), Padding(top: Int(pads[1]), left: Int(pads[2]), bottom: Int(pads[5]), right: Int(pads[6])), nodes)
    }

    /// The tensor a conv/pool really reads, with any zero pad folded in, and the pad's nodes.
    private mutating func unpadded(_ tensor: String) -> (String, Padding, [Int]) {
        if let pad = pendingPads[tensor] {
            // The first consumer takes the Pad's nodes; others share the padding only.
            let nodes = pad.nodes
            pendingPads[tensor] = (pad.source, pad.padding, [])
            return (pad.source, pad.padding, nodes)
        }
        return (resolve(tensor), .zero, [])
    }

    private func weights(_ tensor: String, node: Int) throws -> [Float] {
        guard loadWeights else { return [] }
        guard let t = view.constants[tensor] else { return [] }
        if view.fills[tensor] != nil, let values = view.constantFloats(tensor) { return values }
        do { return try t.floats() } catch {
            throw RecognitionError.badWeights(node: label(node), tensor: tensor, reason: "\(error)")
        }
    }

    private func explicitPads(_ node: Node, kernel: Size2, strides: Size2, dilations: Size2, input: FeatureShape?) -> Padding? {
        let autoPad = node.attribute("auto_pad")?.stringValue ?? "NOTSET"
        switch autoPad {
        case "NOTSET", "":
            let p = node.attribute("pads")?.ints ?? [0, 0, 0, 0]
            guard p.count == 4 else { return nil }
            return Padding(top: Int(p[0]), left: Int(p[1]), bottom: Int(p[2]), right: Int(p[3]))
        case "VALID":
            return .zero
        case "SAME_UPPER", "SAME_LOWER":
            guard let input else { return nil }
            return Padding.same(input: input, kernel: kernel, strides: strides, dilations: dilations,
                                upper: autoPad == "SAME_UPPER")
        default:
            return nil
        }
    }

    private static func pair(_ values: [Int64]?, default d: Int) -> Size2? {
        guard let values, !values.isEmpty else { return Size2(d) }
        guard values.count == 2, values.allSatisfy({ abs($0) <= 1 << 20 }) else { return nil }
        return Size2(Int(values[0]), Int(values[1]))
    }

    /// Positive and small enough that no shape arithmetic can overflow.
    static func sane(_ s: Size2) -> Bool { (1...(1 << 20)).contains(s.height) && (1...(1 << 20)).contains(s.width) }
    static func sane(_ p: Padding) -> Bool { [p.top, p.left, p.bottom, p.right].allSatisfy { (0...(1 << 20)).contains($0) } }

    private mutating func extractConv(_ index: Int) throws {
        let node = view.node(index)
        guard node.inputs.count >= 2, let wDims = view.constants[node.inputs[1]]?.dims, wDims.count == 4 else {
            return unknown(index, "Conv whose weights are not a constant 4-D tensor")
        }
        let (source, extra, padNodes) = unpadded(node.inputs[0])
        let group = Int(node.attribute("group")?.i ?? 1)
        guard wDims.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }), group > 0, group <= 1 << 20 else {
            return unknown(index, "Conv with weight dims \(wDims) or group \(group) out of range")
        }
        let kernel = Size2(Int(wDims[2]), Int(wDims[3]))
        guard let strides = Self.pair(node.attribute("strides")?.ints, default: 1),
              let dilations = Self.pair(node.attribute("dilations")?.ints, default: 1),
              let own = explicitPads(node, kernel: kernel, strides: strides, dilations: dilations, input: shapes[source]),
              Self.sane(strides), Self.sane(dilations), Self.sane(own)
        else { return unknown(index, "Conv with unsupported strides, dilations or padding") }
        var bias: [Float]?
        if node.inputs.count > 2, !node.inputs[2].isEmpty {
            guard view.isConstant(node.inputs[2]) else { return unknown(index, "Conv bias is not a constant") }
            bias = loadWeights ? try weights(node.inputs[2], node: index) : []
        }
        let conv = Conv(name: label(index), inputChannels: Int(wDims[1]) * group, outputChannels: Int(wDims[0]),
                        kernel: kernel, strides: strides, padding: own + extra, dilations: dilations, group: group,
                        weights: try weights(node.inputs[1], node: index), bias: bias)
        emit(Op(kind: .layer(.conv(conv)), inputs: [source], output: node.outputs[0], nodes: padNodes + [index],
                shape: shapes[source].map(conv.outputShape(for:))))
    }

    private mutating func extractPool(_ index: Int) {
        let node = view.node(index)
        guard let window = Self.pair(node.attribute("kernel_shape")?.ints, default: 1),
              let strides = Self.pair(node.attribute("strides")?.ints, default: 1),
              Self.sane(window), Self.sane(strides),
              (node.attribute("dilations")?.ints ?? [1, 1]) == [1, 1]
        else { return unknown(index, "pool with unsupported attributes") }
        // A 1×1 stride-1 window without padding is the identity (torchvision's adaptive pools
        // export so when the map already has the target size): looked through, like `Identity`.
        if window == .one, strides == .one, pendingPads[node.inputs[0]] == nil,
           (node.attribute("pads")?.ints ?? []).allSatisfy({ $0 == 0 }), let out = node.outputs.first {
            alias[out] = resolve(node.inputs[0])
            passThroughNodes[node.inputs[0], default: []].append(index)
            return
        }
        let (source, extra, padNodes) = unpadded(node.inputs[0])
        guard let own = explicitPads(node, kernel: window, strides: strides, dilations: .one, input: shapes[source]),
              Self.sane(own), Self.sane(extra) else {
            return unknown(index, "pool with unsupported padding")
        }
        let pool = Pool(name: label(index), kind: node.opType == "MaxPool" ? .max : .average, window: window,
                        strides: strides, padding: own, zeroPadding: extra,
                        countIncludePad: (node.attribute("count_include_pad")?.i ?? 0) != 0,
                        ceilMode: (node.attribute("ceil_mode")?.i ?? 0) != 0)
        emit(Op(kind: .layer(.pool(pool)), inputs: [source], output: node.outputs[0], nodes: padNodes + [index],
                shape: shapes[source].map(pool.outputShape(for:))))
    }

    private mutating func extractBatchNorm(_ index: Int) throws {
        let node = view.node(index)
        guard node.inputs.count >= 5, node.inputs[1...4].allSatisfy(view.isConstant),
              let channels = view.constantElementCount(node.inputs[1]) else {
            return unknown(index, "BatchNormalization whose parameters are not constants")
        }
        let input = resolve(node.inputs[0])
        var bn = BatchNorm(name: label(index), channels: channels, epsilon: node.attribute("epsilon")?.f ?? 1e-5)
        if loadWeights {
            bn.gamma = try weights(node.inputs[1], node: index)
            bn.beta = try weights(node.inputs[2], node: index)
            bn.mean = try weights(node.inputs[3], node: index)
            bn.variance = try weights(node.inputs[4], node: index)
        }
        emit(Op(kind: .layer(.batchNorm(bn)), inputs: [input], output: node.outputs[0], nodes: [index], shape: shapes[input]))
    }

    /// Per-channel when the constant has as many elements as the input has channels and its
    /// dims broadcast on axis 1 (`[C,1,1]`, `[1,C,1,1]`).
    private func isPerChannel(_ constant: String, channels: Int?) -> Bool {
        guard let t = view.constants[constant], let channels else { return false }
        guard let count = try? t.elementCount(), count == channels else { return false }
        let dims = t.dims.map(Int.init)
        if dims == [channels, 1, 1] || dims == [1, channels, 1, 1] { return true }
        return channels == 1 && dims.allSatisfy { $0 == 1 }
    }

    private mutating func extractMul(_ index: Int) throws {
        let node = view.node(index)
        let inputs = activationInputs(node)
        guard inputs.count == 1, node.inputs.count == 2, let constant = node.inputs.first(where: view.isConstant),
              let count = view.constantElementCount(constant) else {
            return unknown(index, "Mul of two activations")
        }
        let input = inputs[0]
        let shape = shapes[input]
        if count == 1, !isPerChannel(constant, channels: shape?.channels) || shape?.channels != 1 {
            let value = view.constantFloats(constant)?.first ?? .nan
            return emit(Op(kind: .scale(value), inputs: inputs, output: node.outputs[0], nodes: [index], shape: shape))
        }
        guard isPerChannel(constant, channels: shape?.channels) else {
            return unknown(index, "Mul by a constant that is neither a scalar nor per-channel")
        }
        var nodes = [index]
        var output = node.outputs[0]
        var shift: String?
        // Mul followed by a per-channel Add: BN exported as its affine form.
        if let next = soleConsumer(output), view.node(next).opType == "Add",
           let c = view.node(next).inputs.first(where: view.isConstant), view.node(next).inputs.count == 2,
           isPerChannel(c, channels: shape?.channels) {
            absorbed.insert(next)
            nodes.append(next)
            output = view.node(next).outputs[0]
            shift = c
        }
        let channels = shape?.channels ?? count
        var bn = BatchNorm.affine(name: label(index), scale: [Float](repeating: 1, count: channels),
                                  shift: [Float](repeating: 0, count: channels))
        if loadWeights {
            bn.gamma = try weights(constant, node: index)
            if let shift { bn.beta = try weights(shift, node: nodes[1]) }
        } else {
            bn.gamma = []; bn.beta = []; bn.mean = []; bn.variance = []
        }
        emit(Op(kind: .layer(.batchNorm(bn)), inputs: inputs, output: output, nodes: nodes, shape: shape))
    }

    private mutating func extractAdd(_ index: Int) throws {
        let node = view.node(index)
        let inputs = activationInputs(node)
        let constants = node.inputs.filter { !$0.isEmpty && view.isConstant($0) }
        if constants.isEmpty, inputs.count >= 2 {
            return emit(Op(kind: .add, inputs: inputs, output: node.outputs[0], nodes: [index],
                           shape: inputs.first.flatMap { shapes[$0] }))
        }
        guard inputs.count == 1, constants.count == 1, isPerChannel(constants[0], channels: shapes[inputs[0]]?.channels) else {
            return unknown(index, "Add of a constant that is not per-channel")
        }
        let shape = shapes[inputs[0]]
        let channels = shape?.channels ?? 0
        var bn = BatchNorm.affine(name: label(index), scale: [Float](repeating: 1, count: channels),
                                  shift: loadWeights ? try weights(constants[0], node: index) : [])
        if !loadWeights { bn.gamma = []; bn.mean = []; bn.variance = [] }
        emit(Op(kind: .layer(.batchNorm(bn)), inputs: inputs, output: node.outputs[0], nodes: [index], shape: shape))
    }

    private mutating func extractDense(_ index: Int) throws {
        let node = view.node(index)
        let inputs = activationInputs(node)
        guard inputs.count == 1, node.inputs.count >= 2, node.inputs[0] != node.inputs[1],
              let w = view.constants[node.inputs[1]], w.dims.count == 2, w.dims.allSatisfy({ (1...(1 << 24)).contains($0) }) else {
            return unknown(index, "\(node.opType ?? "") without a constant 2-D weight")
        }
        var transB = false
        if node.opType == "Gemm" {
            let transA = node.attribute("transA")?.i ?? 0
            let alpha = node.attribute("alpha")?.f ?? 1
            let beta = node.attribute("beta")?.f ?? 1
            guard transA == 0, alpha == 1, beta == 1 else { return unknown(index, "Gemm with transA, alpha or beta") }
            transB = (node.attribute("transB")?.i ?? 0) != 0
        }
        let (inF, outF) = transB ? (Int(w.dims[1]), Int(w.dims[0])) : (Int(w.dims[0]), Int(w.dims[1]))
        var dense = Dense(name: label(index), inputFeatures: inF, outputFeatures: outF)
        if loadWeights {
            let raw = try weights(node.inputs[1], node: index)
            if transB {
                var t = [Float](repeating: 0, count: raw.count)
                for o in 0..<outF { for i in 0..<inF { t[i * outF + o] = raw[o * inF + i] } }
                dense.weights = t
            } else {
                dense.weights = raw
            }
        }
        var nodes = [index]
        var output = node.outputs[0]
        var biasTensor: String? = node.opType == "Gemm" && node.inputs.count > 2 && !node.inputs[2].isEmpty ? node.inputs[2] : nil
        if node.opType == "MatMul", let next = soleConsumer(output), view.node(next).opType == "Add",
           view.node(next).inputs.count == 2, let c = view.node(next).inputs.first(where: view.isConstant),
           view.constantElementCount(c) == outF {
            absorbed.insert(next)
            nodes.append(next)
            output = view.node(next).outputs[0]
            biasTensor = c
        }
        if let biasTensor {
            guard view.constantElementCount(biasTensor) == outF else { return unknown(index, "dense bias of the wrong size") }
            dense.bias = loadWeights ? try weights(biasTensor, node: index) : []
        }
        emit(Op(kind: .dense(dense), inputs: inputs, output: output, nodes: nodes))
    }
}
