import Foundation
import Testing
@testable import ONNXIR

@Suite struct ModelSummaryTests {
    @Test func summarizesTheValidModel() {
        let model = TestModels.valid {
            $0.graph!.inputs.append(.tensor("W", .float, [4]))  // initializer listed as input: not reported
            $0.graph!.initializers.append(Tensor(name: "I4", dims: [3], dataType: .int4, rawData: Data(count: 2)))
            $0.graph!.initializers.append(Tensor(name: "S", dims: [2], dataType: .string, stringData: [Data("abc".utf8), Data("de".utf8)]))
            $0.graph!.nodes.append(Node(opType: "Custom", inputs: ["Y"], outputs: ["Z"], domain: "com.example"))
            $0.opsetImports.append(OperatorSetID(domain: "ai.onnx", version: 17))
        }
        let summary = ModelSummary(model: model)
        #expect(summary.irVersion == 8)
        #expect(summary.producerName == "tests")
        #expect(summary.inputs.map(\.name) == ["X"])
        #expect(summary.inputs[0].elementType == "float")
        #expect(summary.inputs[0].shape == [.param("batch"), .value(4)])
        #expect(summary.inputs[0].typeDescription == "tensor(float)")
        #expect(summary.outputs.map(\.name) == ["Y"])
        #expect(summary.nodeCount == 3)
        #expect(summary.opCounts == ["Relu": 1, "Add": 1, "com.example:Custom": 1])
        #expect(summary.opsetImports.map(\.domain) == ["", ""])
        #expect(summary.parameterCount == 4 + 3 + 2)
        #expect(summary.initializerBytes == 16 + 2 + 5)
    }

    @Test func countsSubgraphNodesSeparately() {
        let then = Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["t"])], outputs: [.tensor("t", .float, [])])
        let summary = ModelSummary(model: TestModels.withIf(then: then))
        #expect(summary.nodeCount == 1)
        #expect(summary.subgraphNodeCount == 2)
        #expect(summary.opCounts == ["If": 1])
    }

    @Test func nonTensorTypesAreDescribed() {
        let seq = ValueType(value: .sequence(elementType: ValueType(value: .tensor(.init(elementType: .int64)))))
        let map = ValueType(value: .map(keyType: .string, valueType: ValueType(value: .tensor(.init(elementType: .float)))))
        #expect(seq.onnxNotation == "seq(tensor(int64))")
        #expect(map.onnxNotation == "map(string,tensor(float))")
        let value = ValueSummary(info: ValueInfo(name: "s", type: seq))
        #expect(value.elementType == nil && value.shape == nil)
    }

    @Test func invalidDimsCountAsZero() {
        let model = TestModels.valid { $0.graph!.initializers[0].dims = [-1] }
        #expect(ModelSummary(model: model).parameterCount == 0)
    }
}
