import Blocks
import BlockMapper
import ONNXIR
import Testing

/// The recognizer on small synthetic graphs: networks made by Blocks' builders (the
/// independent source of what each block is), emitted to ONNX, read back into blocks. Every
/// residual variant and arrangement family, graphs whose names say nothing, and partial maps.
@Suite struct RecognizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var make: @Sendable () throws -> Network
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "ResNet v1 basic") { try ResNetBuilder.v1(depths: [1, 2], variant: .basic, inputSize: 32, classes: 5, widths: [4, 8]) },
        Case(label: "ResNet v1 bottleneck") { try ResNetBuilder.v1(depths: [1, 2], variant: .bottleneck, inputSize: 32, classes: 5, widths: [4, 8]) },
        Case(label: "ResNet v2 pre-activation") { try ResNetBuilder.v2(depths: [2, 2], inputSize: 32, classes: 5, widths: [4, 8]) },
    ]

    static func emitted(_ network: Network) throws -> Model {
        try ONNXEmitter().emit(network.initialized(seed: 1))
    }

    @Test(arguments: cases) func everyBlockComesBackAsBuilt(_ c: Case) throws {
        let network = try c.make()
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try Self.emitted(network))
        #expect(recognition.isComplete, "\(recognition.unassigned.prefix(3))")
        #expect(recognition.network.blocks.map(\.kind) == network.blocks.map(\.kind))
        #expect(recognition.network.blocks.map(\.variant) == network.blocks.map(\.variant))
        #expect(recognition.network.blocks.map(\.summary) == network.blocks.map(\.summary))
        #expect(recognition.network.parameterCount == network.parameterCount)
    }

    /// Node and intermediate tensor names carry no meaning: `n0…`, `t0…` give the same blocks.
    @Test(arguments: cases) func renamedGraphGivesTheSameBlocks(_ c: Case) throws {
        let model = try Self.emitted(try c.make())
        let named = try BlockRecognizer(loadWeights: false).recognize(model)
        let renamed = try BlockRecognizer(loadWeights: false).recognize(Self.renamed(model))
        #expect(renamed.isComplete)
        #expect(renamed.network.blocks.map(\.summary) == named.network.blocks.map(\.summary))
        #expect(renamed.network.parameterCount == named.network.parameterCount)
    }

    /// A node no block takes (here a dead-end `Sin` on the input) is listed with its name and
    /// op, and the blocks around it stay.
    @Test func partialMapListsTheStrayNode() throws {
        let network = try Self.cases[0].make()
        var model = try Self.emitted(network)
        var graph = try #require(model.graph)
        let input = try #require(graph.inputs.first?.name)
        graph.nodes.append(Node(opType: "Sin", inputs: [input], outputs: ["stray_out"], name: "stray"))
        model.graph = graph
        let recognition = try BlockRecognizer(loadWeights: false).recognize(model)
        #expect(!recognition.isComplete)
        #expect(recognition.unassigned.map(\.name) == ["stray"])
        #expect(recognition.unassigned.first?.opType == "Sin")
        #expect(recognition.network.blocks.map(\.summary) == network.blocks.map(\.summary))
    }

    /// A graph that breaks SSA (`Identity x -> x`) makes a pass-through loop; recognizing it
    /// ends (the graph fuzzer found it hanging) with the node left unassigned or a typed error.
    @Test func passThroughLoopEnds() throws {
        let graph = Graph(name: "g", nodes: [Node(opType: "Identity", inputs: ["x"], outputs: ["x"], name: "loop")],
                          initializers: [], inputs: [.tensor("x", .float, [1, 3, 8, 8])], outputs: [.tensor("x", .float, [1, 3, 8, 8])])
        let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)], graph: graph)
        do {
            let recognition = try BlockRecognizer(loadWeights: false).recognize(model)
            #expect(!recognition.isComplete)
        } catch is RecognitionError {}
    }

    /// Every node name and every tensor name that is not a graph input or output replaced by a
    /// meaningless one, consistently.
    static func renamed(_ model: Model) -> Model {
        var model = model
        guard var graph = model.graph else { return model }
        let kept = Set(graph.inputs.compactMap(\.name) + graph.outputs.compactMap(\.name))
        var names: [String: String] = [:]
        func rename(_ name: String) -> String {
            if name.isEmpty || kept.contains(name) { return name }
            if let n = names[name] { return n }
            let n = "t\(names.count)"
            names[name] = n
            return n
        }
        for k in graph.initializers.indices { graph.initializers[k].name = graph.initializers[k].name.map(rename) }
        for k in graph.nodes.indices {
            graph.nodes[k].name = "n\(k)"
            graph.nodes[k].inputs = graph.nodes[k].inputs.map(rename)
            graph.nodes[k].outputs = graph.nodes[k].outputs.map(rename)
        }
        for k in graph.valueInfo.indices { graph.valueInfo[k].name = graph.valueInfo[k].name.map(rename) }
        model.graph = graph
        return model
    }
}
