import ONNXIR

/// Turns fuzzer bytes into a small model: a structured description (opset, one input shape,
/// up to eight nodes whose operators come from the runtime's table, inputs picked among
/// earlier tensors, small integer constants or an omitted name, attributes drawn from the
/// operator's schema with values of the declared type, sometimes of another).
/// Every byte string gives some model, so libFuzzer's mutations explore graphs, not parse errors.
struct FuzzedGraph {
    var bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> UInt8 {
        defer { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(next()) % options.count] }
    mutating func small() -> Int64 { Int64(next() % 11) - 3 }

    mutating func model(operators: [String]) -> Model {
        let opset = Int64(11 + next() % 12)
        let rank = Int(next() % 4) + 1
        let shape = (0..<rank).map { _ in Int64(next() % 5) + 1 }
        var tensors = ["x"]
        var types: [String: ElementType] = ["x": .float]
        var initializers: [Tensor] = []
        var nodes: [Node] = []
        for k in 0..<(Int(next() % 8) + 1) {
            let op = pick(operators)
            let schema = OperatorSchema.lookup(op, opset: Int(opset))
            let inputCount = schema.map { min($0.inputCount.upperBound, $0.inputCount.lowerBound + Int(next() % 2)) } ?? 1
            var inputs: [String] = []
            for _ in 0..<inputCount {
                switch next() % 8 {
                case 0:
                    inputs.append("")
                case 1, 2:
                    let name = "c\(initializers.count)"
                    let count = Int(next() % 5)
                    let values = (0..<count).map { _ in small() }
                    initializers.append(next() % 2 == 0
                        ? Tensor(name: name, dims: [Int64(count)], values: values)
                        : Tensor(name: name, dims: [Int64(count)], values: values.map { Float($0) }))
                    inputs.append(name)
                default:
                    inputs.append(pick(tensors))
                }
            }
            var attributes: [Attribute] = []
            if let schema {
                for (name, spec) in schema.attributes.sorted(by: { $0.key < $1.key }) where next() % 3 == 0 {
                    attributes.append(attribute(name, next() % 8 == 0 ? pick([.int, .ints, .float, .string]) : spec.type))
                }
            }
            let outputCount = op == "Split" ? Int(next() % 3) + 1 : (op == "MaxPool" && next() % 4 == 0 ? 2 : 1)
            var outputs = (0..<outputCount).map { "t\(k)_\($0)" }
            if next() % 16 == 0 { outputs[0] = pick(tensors) }  // breaks SSA: both sides must refuse
            nodes.append(Node(opType: op, inputs: inputs, outputs: outputs, name: "n\(k)", attributes: attributes))
            tensors += outputs
            for o in outputs { types[o] = .float }
        }
        let graph = Graph(name: "fuzz", nodes: nodes, initializers: initializers,
                          inputs: [.tensor("x", .float, shape.map { Dimension(.value($0)) })],
                          outputs: [.tensor(tensors.last!, .float, [])])
        return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)], graph: graph)
    }

    mutating func attribute(_ name: String, _ type: AttributeType) -> Attribute {
        switch type {
        case .int: return .int(name, small())
        case .float: return .float(name, Float(small()) / 2)
        case .ints: return .ints(name, (0..<Int(next() % 5)).map { _ in small() })
        case .floats: return .floats(name, (0..<Int(next() % 3)).map { _ in Float(small()) })
        case .string: return .string(name, pick(["NOTSET", "SAME_UPPER", "VALID", "constant", "reflect", "edge", "x"]))
        case .tensor: return .tensor(name, Tensor(name: "", dims: [1], values: [Float(small())]))
        default: return Attribute(name: name, type: type)
        }
    }
}
