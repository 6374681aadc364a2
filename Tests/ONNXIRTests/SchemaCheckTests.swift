import Foundation
@testable import ONNXIR
import Testing

/// The schema-aware part of `ModelChecker`: one rule-breaking graph per rule, each reported
/// as an error with the node and field; and shape inference results checked against the
/// spec's formulas (output size = floor((in + pads - dilated kernel) / stride) + 1, ...).
struct SchemaCheckTests {
    static func model(_ nodes: [Node], inputs: [ValueInfo], initializers: [Tensor] = [], outputs: [ValueInfo] = [.tensor("y", .float, [])], opset: Int64 = 17) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)],
              graph: Graph(name: "g", nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs))
    }

    static let x = ValueInfo.tensor("x", .float, ["n", 3, 8, 8])
    static let w = Tensor(name: "w", dims: [4, 3, 3, 3], values: [Float](repeating: 1, count: 108))

    struct Case: CustomTestStringConvertible, Sendable {
        var id: String
        var model: Model
        var rule: CheckRule
        var mentions: [String]
        var testDescription: String { id }
    }

    static let cases: [Case] = [
        Case(id: "empty required input", model: model([Node(opType: "Conv", inputs: ["x", ""], outputs: ["y"], name: "conv")], inputs: [x]),
             rule: .schema, mentions: ["input[1]", "'W'"]),
        Case(id: "too many inputs", model: model([Node(opType: "Relu", inputs: ["x", "x"], outputs: ["y"], name: "relu")], inputs: [x]),
             rule: .schema, mentions: ["2 inputs"]),
        Case(id: "unknown attribute", model: model([Node(opType: "Relu", inputs: ["x"], outputs: ["y"], name: "relu", attributes: [.float("alpha", 1)])], inputs: [x]),
             rule: .schema, mentions: ["attribute 'alpha'"]),
        Case(id: "attribute type", model: model([Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], name: "conv", attributes: [.float("group", 1)])], inputs: [x], initializers: [w]),
             rule: .schema, mentions: ["attribute 'group'", "FLOAT"]),
        Case(id: "required attribute", model: model([Node(opType: "Concat", inputs: ["x", "x"], outputs: ["y"], name: "cat")], inputs: [x]),
             rule: .schema, mentions: ["attribute 'axis'", "missing"]),
        Case(id: "attribute range", model: model([Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], name: "conv", attributes: [.ints("strides", [0, 1])])], inputs: [x], initializers: [w]),
             rule: .schema, mentions: ["attribute 'strides'", "positive"]),
        Case(id: "operator newer than the opset", model: model([Node(opType: "Gelu", inputs: ["x"], outputs: ["y"], name: "gelu")], inputs: [x]),
             rule: .schema, mentions: ["Gelu", "opset 17"]),
        Case(id: "axis out of range", model: model([Node(opType: "Concat", inputs: ["x", "x"], outputs: ["y"], name: "cat", attributes: [.int("axis", 9)])], inputs: [x]),
             rule: .shapeInference, mentions: ["axis 9"]),
        Case(id: "type constraint", model: model([Node(opType: "Relu", inputs: ["b"], outputs: ["y"], name: "relu")], inputs: [.tensor("b", .bool, [2])]),
             rule: .shapeInference, mentions: ["input[0] 'b'", "bool"]),
        Case(id: "gemm inner dims", model: model([Node(opType: "Gemm", inputs: ["a", "b"], outputs: ["y"], name: "fc")],
                                                 inputs: [.tensor("a", .float, [2, 5]), .tensor("b", .float, [4, 3])]),
             rule: .shapeInference, mentions: ["inner"]),
        Case(id: "split sizes", model: model([Node(opType: "Split", inputs: ["a", "s"], outputs: ["p", "q"], name: "split", attributes: [.int("axis", 1)])],
                                             inputs: [.tensor("a", .float, [2, 6])], initializers: [Tensor(name: "s", dims: [2], values: [Int64(2), 3])],
                                             outputs: [.tensor("p", .float, []), .tensor("q", .float, [])]),
             rule: .shapeInference, mentions: ["add up to 5", "has 6"]),
        Case(id: "broadcast", model: model([Node(opType: "Add", inputs: ["a", "b"], outputs: ["y"], name: "add")],
                                           inputs: [.tensor("a", .float, [2, 3]), .tensor("b", .float, [2, 4])]),
             rule: .shapeInference, mentions: ["cannot be broadcast"]),
        Case(id: "declared shape contradicted", model: model([Node(opType: "Relu", inputs: ["a"], outputs: ["y"], name: "relu")],
                                                             inputs: [.tensor("a", .float, [2, 3])], outputs: [.tensor("y", .float, [2, 4])]),
             rule: .shapeInference, mentions: ["output[0] 'y'", "dimension 1"]),
    ]

    @Test(arguments: cases)
    func ruleBreakingGraphIsAnError(_ c: Case) throws {
        let issues = ModelChecker().check(c.model)
        let matching = issues.errors.filter { $0.rule == c.rule }
        let first = try #require(matching.first, "\(c.id): no \(c.rule) error in \(issues)")
        let text = first.description
        for fragment in c.mentions { #expect(text.contains(fragment), "\(c.id): '\(text)' lacks '\(fragment)'") }
        #expect(first.node != nil, "\(c.id): the error names no node")
    }

    @Test func unknownOperatorIsAWarning() {
        let issues = ModelChecker().check(Self.model([Node(opType: "Einsum", inputs: ["x"], outputs: ["y"], name: "e", attributes: [.string("equation", "i->i")])], inputs: [Self.x]))
        #expect(issues.isValid)
        #expect(issues.warnings.contains { $0.rule == .schema && $0.message.contains("Einsum") })
    }

    @Test func resnetStemInfersLikeTheSpec() throws {
        // 224 -> Conv 7x7/2 pad 3 -> 112 -> MaxPool 3x3/2 pad 1 -> 56; Flatten; Gemm 2048 -> 10.
        let w = Tensor(name: "w", dims: [64, 3, 7, 7], values: [Float](repeating: 0, count: 64 * 3 * 49))
        let nodes = [
            Node(opType: "Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv", attributes: [.ints("strides", [2, 2]), .ints("pads", [3, 3, 3, 3])]),
            Node(opType: "MaxPool", inputs: ["c"], outputs: ["p"], name: "pool", attributes: [.ints("kernel_shape", [3, 3]), .ints("strides", [2, 2]), .ints("pads", [1, 1, 1, 1])]),
            Node(opType: "Shape", inputs: ["p"], outputs: ["s"], name: "shape"),
            Node(opType: "Gather", inputs: ["s", "i"], outputs: ["n"], name: "gather", attributes: [.int("axis", 0)]),
            Node(opType: "Concat", inputs: ["n", "m"], outputs: ["t"], name: "target", attributes: [.int("axis", 0)]),
            Node(opType: "Reshape", inputs: ["p", "t"], outputs: ["y"], name: "reshape"),
        ]
        let m = Self.model(nodes, inputs: [.tensor("x", .float, [1, 3, 224, 224])],
                           initializers: [w, Tensor(name: "i", dims: [1], values: [Int64(0)]), Tensor(name: "m", dims: [1], values: [Int64(-1)])],
                           outputs: [.tensor("y", .float, [1, 200704])])
        #expect(ModelChecker().check(m).errors.isEmpty)
        let wrong = Self.model(nodes, inputs: [.tensor("x", .float, [1, 3, 224, 224])],
                               initializers: [w, Tensor(name: "i", dims: [1], values: [Int64(0)]), Tensor(name: "m", dims: [1], values: [Int64(-1)])],
                               outputs: [.tensor("y", .float, [1, 200705])])
        #expect(ModelChecker().check(wrong).errors.contains { $0.rule == .shapeInference && $0.message.contains("200704") })
    }

    struct Inference: CustomTestStringConvertible, Sendable {
        var node: Node
        var inputs: [ValueFacts?]
        var expected: [Int]
        var testDescription: String { node.opType ?? "?" }
    }

    static func facts(_ shape: [Int], _ values: [Int64]? = nil, _ type: ElementType = .float) -> ValueFacts {
        ValueFacts(elementType: type, shape: shape, values: values)
    }

    static let inferences: [Inference] = [
        // Pool with ceil_mode: ceil((32 + 0 - 3) / 2) + 1 = 16.
        Inference(node: Node(opType: "MaxPool", inputs: ["x"], outputs: ["y"], attributes: [.ints("kernel_shape", [3]), .ints("strides", [2]), .int("ceil_mode", 1)]),
                  inputs: [facts([1, 2, 32])], expected: [1, 2, 16]),
        // SAME_UPPER: ceil(15 / 2) = 8.
        Inference(node: Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], attributes: [.string("auto_pad", "SAME_UPPER"), .ints("strides", [2, 2])]),
                  inputs: [facts([1, 3, 15, 15]), facts([5, 3, 3, 3])], expected: [1, 5, 8, 8]),
        // Dilation 2 on a 3-kernel spans 5: 10 - 5 + 1 = 6.
        Inference(node: Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], attributes: [.ints("dilations", [2])]),
                  inputs: [facts([1, 4, 10]), facts([2, 4, 3])], expected: [1, 2, 6]),
        // 4 input channels, weight made for 2 per group, group 1: an error (empty `expected`).
        Inference(node: Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"]),
                  inputs: [facts([1, 4, 10]), facts([2, 2, 3])], expected: []),
        // Slice with a negative step: elements 9, 7, 5 of 10.
        Inference(node: Node(opType: "Slice", inputs: ["x", "s", "e", "a", "p"], outputs: ["y"]),
                  inputs: [facts([10, 4]), facts([1], [-1], .int64), facts([1], [2], .int64), facts([1], [0], .int64), facts([1], [-2], .int64)], expected: [4, 4]),
        Inference(node: Node(opType: "Pad", inputs: ["x", "p"], outputs: ["y"]),
                  inputs: [facts([1, 3, 4, 4]), facts([8], [0, 0, 1, 2, 0, 0, 3, 4], .int64)], expected: [1, 3, 8, 10]),
        Inference(node: Node(opType: "MatMul", inputs: ["a", "b"], outputs: ["y"]),
                  inputs: [facts([5, 1, 2, 3]), facts([4, 3, 7])], expected: [5, 4, 2, 7]),
        Inference(node: Node(opType: "Unsqueeze", inputs: ["x", "a"], outputs: ["y"]),
                  inputs: [facts([3, 4]), facts([2], [0, -1], .int64)], expected: [1, 3, 4, 1]),
        Inference(node: Node(opType: "ReduceMean", inputs: ["x"], outputs: ["y"], attributes: [.ints("axes", [2, 3]), .int("keepdims", 0)]),
                  inputs: [facts([2, 8, 7, 7])], expected: [2, 8]),
        Inference(node: Node(opType: "Reshape", inputs: ["x", "s"], outputs: ["y"]),
                  inputs: [facts([2, 3, 4]), facts([3], [0, -1, 2], .int64)], expected: [2, 6, 2]),
    ]

    @Test(arguments: inferences)
    func inferredShapeFollowsTheSpec(_ c: Inference) throws {
        let schema = try #require(OperatorSchema.lookup(c.node.opType!, opset: 17))
        if c.expected.isEmpty {
            #expect(throws: ShapeInferenceError.self) { try ShapeInference.infer(c.node, schema: schema, inputs: c.inputs) }
            return
        }
        let out = try ShapeInference.infer(c.node, schema: schema, inputs: c.inputs)
        #expect(out.first?.concreteShape == c.expected)
    }

    /// GraphFuzzer crash-826fc7f2: value propagation of an integer Add indexed an empty
    /// constant when the other side was a single value.
    @Test func emptyIntegerConstantInArithmetic() throws {
        let schema = try #require(OperatorSchema.lookup("Add", opset: 17))
        let node = Node(opType: "Add", inputs: ["a", "b"], outputs: ["y"])
        let out = try ShapeInference.infer(node, schema: schema, inputs: [Self.facts([0], [], .int64), Self.facts([1], [3], .int64)])
        #expect(out.first?.concreteShape == [0])
        #expect(out.first?.values == nil)
    }

    @Test func overflowIsAnErrorNotATrap() throws {
        let schema = try #require(OperatorSchema.lookup("Pad", opset: 17))
        let node = Node(opType: "Pad", inputs: ["x", "p"], outputs: ["y"])
        #expect(throws: ShapeInferenceError.self) {
            try ShapeInference.infer(node, schema: schema, inputs: [Self.facts([2]), Self.facts([2], [Int64.max, 1], .int64)])
        }
        #expect(throws: ShapeArithmetic.Overflow.self) { try ShapeArithmetic.elementCount([1 << 40, 1 << 40]) }
    }

    @Test func everyRuntimeOperatorHasASchema() {
        // The CNN set the runtime executes (see README "Operators").
        for op in ["Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "Div",
                   "Dropout", "Flatten", "Gather", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "Identity", "LRN", "LeakyRelu",
                   "MatMul", "MaxPool", "Mul", "Pad", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax",
                   "Split", "Squeeze", "Sub", "Sum", "Tanh", "Transpose", "Unsqueeze"] {
            #expect(OperatorSchema.lookup(op, opset: 17) != nil, "\(op)")
        }
    }
}
