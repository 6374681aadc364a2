import Foundation
@testable import ONNXIR

/// Small in-memory models for checker, topology and summary tests.
enum TestModels {
    static let x = ValueInfo.tensor("X", .float, ["batch", 4])
    static let y = ValueInfo.tensor("Y", .float, ["batch", 4])
    static let weight = Tensor(name: "W", dims: [4], values: [Float](repeating: 0.5, count: 4))

    /// X --Relu(relu)--> R --Add(add, W)--> Y: valid at IR 8, opset 17.
    static func valid() -> Model {
        let graph = Graph(
            name: "main",
            nodes: [
                Node(opType: "Relu", inputs: ["X"], outputs: ["R"], name: "relu"),
                Node(opType: "Add", inputs: ["R", "W"], outputs: ["Y"], name: "add"),
            ],
            initializers: [weight],
            inputs: [x], outputs: [y]
        )
        return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                     producerName: "tests", graph: graph)
    }

    /// `valid()` changed by `edit`.
    static func valid(_ edit: (inout Model) -> Void) -> Model {
        var model = valid()
        edit(&model)
        return model
    }

    /// An `If` node named "branch" whose then/else subgraphs are given.
    static func withIf(then thenGraph: Graph, else elseGraph: Graph? = nil, extraNodes: [Node] = []) -> Model {
        let otherwise = elseGraph ?? Graph(
            name: "else", nodes: [Node(opType: "Neg", inputs: ["X"], outputs: ["e"], name: "neg")],
            outputs: [.tensor("e", .float, [])])
        let branch = Node(opType: "If", inputs: ["B"], outputs: ["Y"], name: "branch", attributes: [
            Attribute(name: "then_branch", type: .graph, g: thenGraph),
            Attribute(name: "else_branch", type: .graph, g: otherwise),
        ])
        let graph = Graph(name: "main", nodes: [branch] + extraNodes,
                          inputs: [x, .tensor("B", .bool, [])], outputs: [y])
        return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)], graph: graph)
    }
}
