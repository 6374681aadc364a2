import BlockMapper
import ONNXIR
import Testing

/// Graphs found by the graph fuzzer (tools/fuzz, GraphFuzzer) that hung or crashed the
/// recognizer: each must now end, with a recognition or a typed error.
struct HostileGraphRecognitionTests {
    static func model(_ nodes: [Node]) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
              graph: Graph(name: "g", nodes: nodes, inputs: [.tensor("x", .float, [1, 3, 8, 8])],
                           outputs: [.tensor("x", .float, [])]))
    }

    /// GraphFuzzer timeout-398d70c3: an Identity writing its own input (SSA broken) made the
    /// alias table map a name to itself, and `resolve` looped forever.
    @Test(.timeLimit(.minutes(1)), arguments: ["Identity", "Dropout"])
    func passThroughOntoItsOwnInputTerminates(_ op: String) {
        let m = Self.model([Node(opType: "Relu", inputs: ["x"], outputs: ["t"], name: "relu"),
                            Node(opType: op, inputs: ["t"], outputs: ["t"], name: "self")])
        _ = try? BlockRecognizer().recognize(m)
        let direct = Self.model([Node(opType: op, inputs: ["x"], outputs: ["x"], name: "self")])
        _ = try? BlockRecognizer().recognize(direct)
    }
}
