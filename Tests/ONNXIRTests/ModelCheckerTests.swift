import Foundation
import Testing
@testable import ONNXIR

/// One checker rule violated on purpose: the expected rule, and text the issue must name
/// (node display name and/or field).
struct Violation: CustomStringConvertible, Sendable {
    var description: String
    var model: Model
    var rule: CheckRule
    var mentions: [String]
    var severity: CheckIssue.Severity = .error
}

private let violations: [Violation] = [
    Violation(description: "ir_version missing", model: TestModels.valid { $0.irVersion = nil },
              rule: .irVersion, mentions: ["ir_version"]),
    Violation(description: "ir_version zero", model: TestModels.valid { $0.irVersion = 0 },
              rule: .irVersion, mentions: ["ir_version"]),
    Violation(description: "ir_version newer than known", model: TestModels.valid { $0.irVersion = 99 },
              rule: .irVersion, mentions: ["99"], severity: .warning),
    Violation(description: "no opset_import at IR >= 3", model: TestModels.valid { $0.opsetImports = [] },
              rule: .opsetImport, mentions: ["opset_import"]),
    Violation(description: "opset_import at IR < 3", model: TestModels.valid { $0.irVersion = 2; $0.graph!.inputs.append(.tensor("W", .float, [4])) },
              rule: .opsetImport, mentions: ["opset_import"]),
    Violation(description: "node domain without opset import",
              model: TestModels.valid { $0.graph!.nodes[0].domain = "com.example" },
              rule: .opsetImport, mentions: ["relu", "com.example"]),
    Violation(description: "only ai.onnx.ml imported",
              model: TestModels.valid { $0.opsetImports = [OperatorSetID(domain: "ai.onnx.ml", version: 3)] },
              rule: .opsetImport, mentions: ["relu"]),
    Violation(description: "duplicate metadata key",
              model: TestModels.valid { $0.metadataProps = [MetadataEntry(key: "a", value: "1"), MetadataEntry(key: "a", value: "2")] },
              rule: .metadata, mentions: ["metadata_props", "'a'"]),
    Violation(description: "graph without name", model: TestModels.valid { $0.graph!.name = "" },
              rule: .graphName, mentions: ["name"]),
    Violation(description: "model without graph", model: TestModels.valid { $0.graph = nil },
              rule: .graphName, mentions: ["graph"]),
    Violation(description: "undefined node input",
              model: TestModels.valid { $0.graph!.nodes[1].inputs[0] = "Q" },
              rule: .undefinedInput, mentions: ["node 'add'", "input[0] 'Q'"]),
    Violation(description: "nodes out of order",
              model: TestModels.valid { $0.graph!.nodes.reverse() },
              rule: .topologicalOrder, mentions: ["node 'add'", "input[0] 'R'", "'relu'"]),
    Violation(description: "node reads its own output",
              model: TestModels.valid { $0.graph!.nodes[1].inputs[1] = "Y" },
              rule: .topologicalOrder, mentions: ["node 'add'", "cycle"]),
    Violation(description: "output assigned twice",
              model: TestModels.valid { $0.graph!.nodes[1].outputs = ["R"] },
              rule: .ssa, mentions: ["node 'add'", "output[0] 'R'"]),
    Violation(description: "node output reuses graph input name",
              model: TestModels.valid { $0.graph!.nodes[0].outputs = ["X"]; $0.graph!.nodes[1].inputs[0] = "X" },
              rule: .ssa, mentions: ["node 'relu'", "'X'"]),
    Violation(description: "node output reuses initializer name",
              model: TestModels.valid { $0.graph!.nodes[0].outputs = ["W"] },
              rule: .ssa, mentions: ["node 'relu'", "'W'"]),
    Violation(description: "graph input listed twice",
              model: TestModels.valid { $0.graph!.inputs.append(TestModels.x) },
              rule: .ssa, mentions: ["input[1] 'X'"]),
    Violation(description: "graph output never produced",
              model: TestModels.valid { $0.graph!.outputs.append(.tensor("Z", .float, [1])) },
              rule: .graphOutput, mentions: ["output[1] 'Z'"]),
    Violation(description: "duplicate initializer",
              model: TestModels.valid { $0.graph!.initializers.append(TestModels.weight) },
              rule: .initializer, mentions: ["'W'"]),
    Violation(description: "initializer without name",
              model: TestModels.valid { $0.graph!.initializers.append(Tensor(name: nil, dims: [1], values: [Float(1)])) },
              rule: .initializer, mentions: ["initializer[1]"]),
    Violation(description: "initializer not an input at IR 3",
              model: TestModels.valid { $0.irVersion = 3 },
              rule: .initializer, mentions: ["'W'"]),
    Violation(description: "node with empty op_type",
              model: TestModels.valid { $0.graph!.nodes[0].opType = "" },
              rule: .node, mentions: ["relu", "op_type"]),
    Violation(description: "node with no inputs and no outputs",
              model: TestModels.valid { $0.graph!.nodes.append(Node(opType: "NoOp", name: "empty")) },
              rule: .node, mentions: ["node 'empty'"]),
    Violation(description: "attribute without name",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(type: .float, f: 1)] },
              rule: .attribute, mentions: ["node 'relu'", "attribute[0]"]),
    Violation(description: "attribute without type",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(name: "alpha", f: 1)] },
              rule: .attribute, mentions: ["node 'relu'", "attribute 'alpha'", "no type"]),
    Violation(description: "attribute type disagrees with field",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(name: "alpha", type: .int, f: 1)] },
              rule: .attribute, mentions: ["node 'relu'", "attribute 'alpha'", "'f'"]),
    Violation(description: "attribute with two value fields",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(name: "alpha", type: .float, f: 1, i: 2)] },
              rule: .attribute, mentions: ["attribute 'alpha'", "'i'"]),
    Violation(description: "attribute with unknown type",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(name: "alpha", type: AttributeType(rawValue: 42), f: 1)] },
              rule: .attribute, mentions: ["attribute 'alpha'", "42"]),
    Violation(description: "attribute repeated",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [.float("alpha", 1), .float("alpha", 2)] },
              rule: .attribute, mentions: ["node 'relu'", "attribute 'alpha'"]),
    Violation(description: "ref_attr_name outside a function",
              model: TestModels.valid { $0.graph!.nodes[0].attributes = [Attribute(name: "alpha", type: .float, refAttrName: "a")] },
              rule: .attribute, mentions: ["ref_attr_name"], severity: .warning),
    Violation(description: "raw_data too short",
              model: TestModels.valid { $0.graph!.initializers[0].rawData = Data(count: 12) },
              rule: .tensorData, mentions: ["initializer[0] 'W' raw_data", "12 bytes", "16"]),
    Violation(description: "raw_data too long",
              model: TestModels.valid { $0.graph!.initializers[0].rawData = Data(count: 20) },
              rule: .tensorData, mentions: ["'W'", "20 bytes"]),
    Violation(description: "float_data too short",
              model: TestModels.valid { $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, floatData: [1, 2]) },
              rule: .tensorData, mentions: ["'W' float_data", "holds 2"]),
    Violation(description: "values in the wrong typed field",
              model: TestModels.valid { $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, int64Data: [1, 2, 3, 4]) },
              rule: .tensorData, mentions: ["'W'", "float_data", "int64_data"]),
    Violation(description: "data in two fields",
              model: TestModels.valid { $0.graph!.initializers[0].floatData = [1, 2, 3, 4] },
              rule: .tensorData, mentions: ["'W'", "more than one"]),
    Violation(description: "no data",
              model: TestModels.valid { $0.graph!.initializers[0].rawData = nil },
              rule: .tensorData, mentions: ["'W'", "no data"]),
    Violation(description: "no data_type",
              model: TestModels.valid { $0.graph!.initializers[0].dataType = nil },
              rule: .tensorData, mentions: ["'W'", "data_type"]),
    Violation(description: "UNDEFINED data_type",
              model: TestModels.valid { $0.graph!.initializers[0].dataType = .undefined },
              rule: .tensorData, mentions: ["'W'", "UNDEFINED"]),
    Violation(description: "negative dim",
              model: TestModels.valid { $0.graph!.initializers[0].dims = [-4] },
              rule: .tensorData, mentions: ["'W'", "-4"]),
    Violation(description: "dims overflow",
              model: TestModels.valid { $0.graph!.initializers[0].dims = [1 << 40, 1 << 40] },
              rule: .tensorData, mentions: ["'W'", "overflow"]),
    Violation(description: "zero elements but data",
              model: TestModels.valid { $0.graph!.initializers[0].dims = [0] },
              rule: .tensorData, mentions: ["'W'", "0 elements"]),
    Violation(description: "string data in raw_data",
              model: TestModels.valid { $0.graph!.initializers.append(Tensor(name: "S", dims: [1], dataType: .string, rawData: Data("ab".utf8))) },
              rule: .tensorData, mentions: ["'S'", "raw_data"]),
    Violation(description: "int4 packed bytes too few",
              model: TestModels.valid { $0.graph!.initializers.append(Tensor(name: "Q", dims: [3], dataType: .int4, rawData: Data(count: 1))) },
              rule: .tensorData, mentions: ["'Q'", "need 2"]),
    Violation(description: "external data without location",
              model: TestModels.valid {
                  $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, externalData: [MetadataEntry(key: "offset", value: "0")], dataLocation: .external)
              },
              rule: .tensorData, mentions: ["'W'", "no location"]),
    Violation(description: "external data escaping the folder",
              model: TestModels.valid {
                  $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, externalData: [MetadataEntry(key: "location", value: "../w.bin")], dataLocation: .external)
              },
              rule: .tensorData, mentions: ["'W'", "'../w.bin'"]),
    Violation(description: "external data with absolute path",
              model: TestModels.valid {
                  $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, externalData: [MetadataEntry(key: "location", value: "/etc/passwd")], dataLocation: .external)
              },
              rule: .tensorData, mentions: ["'W'", "absolute"]),
    Violation(description: "external data with unknown key",
              model: TestModels.valid {
                  $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, externalData: [MetadataEntry(key: "location", value: "w.bin"), MetadataEntry(key: "evil", value: "1")], dataLocation: .external)
              },
              rule: .tensorData, mentions: ["'W'", "'evil'"]),
    Violation(description: "constant attribute tensor too short",
              model: TestModels.valid {
                  $0.graph!.nodes.insert(Node(opType: "Constant", outputs: ["C"], name: "const", attributes: [
                      .tensor("value", Tensor(name: "c", dims: [3], dataType: .float, floatData: [1, 2]))]), at: 0)
              },
              rule: .tensorData, mentions: ["node 'const'", "attribute 'value'", "'c'"]),
    Violation(description: "main graph input without type",
              model: TestModels.valid { $0.graph!.inputs[0].type = nil },
              rule: .valueInfo, mentions: ["input[0] 'X'", "no type"]),
    Violation(description: "main graph output without type",
              model: TestModels.valid { $0.graph!.outputs[0].type = nil },
              rule: .valueInfo, mentions: ["output[0] 'Y'"]),
    Violation(description: "input without element type",
              model: TestModels.valid { $0.graph!.inputs[0].type = ValueType(value: .tensor(.init(elementType: nil))) },
              rule: .valueInfo, mentions: ["input[0] 'X'", "element type"]),
    Violation(description: "input with unknown element type",
              model: TestModels.valid { $0.graph!.inputs[0] = .tensor("X", ElementType(rawValue: 99), [4]) },
              rule: .valueInfo, mentions: ["input[0] 'X'", "99"]),
    Violation(description: "input without name",
              model: TestModels.valid { $0.graph!.inputs.append(.tensor("", .float, [1])) },
              rule: .valueInfo, mentions: ["input[1]", "no name"]),
    Violation(description: "type with no value case",
              model: TestModels.valid { $0.graph!.inputs[0].type = ValueType(value: nil, denotation: "x") },
              rule: .valueInfo, mentions: ["input[0] 'X'", "value case"]),
    Violation(description: "sequence without element type",
              model: TestModels.valid { $0.graph!.valueInfo = [ValueInfo(name: "R", type: ValueType(value: .sequence(elementType: nil)))] },
              rule: .valueInfo, mentions: ["value_info[0] 'R'", "sequence"]),
    Violation(description: "negative dim in value info",
              model: TestModels.valid { $0.graph!.inputs[0] = .tensor("X", .float, [-1, 4]) },
              rule: .valueInfo, mentions: ["input[0] 'X'", "negative"]),
    Violation(description: "sparse initializer at IR 5",
              model: TestModels.valid {
                  $0.irVersion = 5
                  $0.graph!.inputs.append(.tensor("W", .float, [4]))
                  $0.graph!.sparseInitializers = [SparseTensor(values: Tensor(name: "S", dims: [1], values: [Float(1)]), indices: Tensor(name: "Si", dims: [1], values: [Int64(2)]), dims: [4])]
              },
              rule: .featureVersion, mentions: ["sparse_initializer", "6"], severity: .warning),
    Violation(description: "sparse index out of range",
              model: TestModels.valid {
                  $0.graph!.sparseInitializers = [SparseTensor(values: Tensor(name: "S", dims: [2], values: [Float(1), 2]), indices: Tensor(name: "Si", dims: [2], values: [Int64(0), 9]), dims: [4])]
              },
              rule: .sparseInitializer, mentions: ["'S'", "index 9"]),
    Violation(description: "sparse indices unsorted",
              model: TestModels.valid {
                  $0.graph!.sparseInitializers = [SparseTensor(values: Tensor(name: "S", dims: [2], values: [Float(1), 2]), indices: Tensor(name: "Si", dims: [2], values: [Int64(3), 0]), dims: [4])]
              },
              rule: .sparseInitializer, mentions: ["'S'", "increasing"]),
    Violation(description: "sparse initializer name clashes with dense",
              model: TestModels.valid {
                  $0.graph!.sparseInitializers = [SparseTensor(values: Tensor(name: "W", dims: [1], values: [Float(1)]), indices: Tensor(name: "Si", dims: [1], values: [Int64(0)]), dims: [4])]
              },
              rule: .sparseInitializer, mentions: ["'W'"]),
    Violation(description: "float8 tensor at IR 8",
              model: TestModels.valid { $0.graph!.initializers.append(Tensor(name: "F8", dims: [2], dataType: .float8e4m3fn, rawData: Data(count: 2))) },
              rule: .featureVersion, mentions: ["'F8'", "float8e4m3fn"], severity: .warning),
    Violation(description: "subgraph input undefined",
              model: TestModels.withIf(then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["Q"], outputs: ["t"], name: "inner")], outputs: [.tensor("t", .float, [])])),
              rule: .undefinedInput, mentions: ["node 'branch'", "attribute 'then_branch'", "node 'inner'", "input[0] 'Q'"]),
    Violation(description: "subgraph uses a value produced later in the outer graph",
              model: TestModels.withIf(
                  then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["L"], outputs: ["t"], name: "inner")], outputs: [.tensor("t", .float, [])]),
                  extraNodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["L"], name: "late")]),
              rule: .topologicalOrder, mentions: ["node 'inner'", "'late'"]),
    Violation(description: "subgraph output shadows an outer value",
              model: TestModels.withIf(then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["X"], name: "inner")], outputs: [.tensor("X", .float, [])])),
              rule: .ssa, mentions: ["node 'inner'", "enclosing"]),
    Violation(description: "subgraph output taken from the outer graph",
              model: TestModels.withIf(then: Graph(name: "then", outputs: [.tensor("X", .float, [])])),
              rule: .graphOutput, mentions: ["graph 'then'", "output[0] 'X'"]),
    Violation(description: "subgraph without name",
              model: TestModels.withIf(then: Graph(name: "", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["t"])], outputs: [.tensor("t", .float, [])])),
              rule: .graphName, mentions: ["node 'branch'", "then_branch"]),
    Violation(description: "function body input undefined",
              model: TestModels.valid {
                  $0.opsetImports.append(OperatorSetID(domain: "local", version: 1))
                  $0.functions = [Function(name: "F", inputs: ["a"], outputs: ["b"], nodes: [Node(opType: "Relu", inputs: ["q"], outputs: ["b"], name: "fn_relu")],
                                           opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")]
              },
              rule: .undefinedInput, mentions: ["function[0] 'local::F'", "node 'fn_relu'", "'q'"]),
    Violation(description: "function body not in SSA form",
              model: TestModels.valid {
                  $0.functions = [Function(name: "F", inputs: ["a"], outputs: ["b"], nodes: [
                      Node(opType: "Relu", inputs: ["a"], outputs: ["b"], name: "f1"), Node(opType: "Relu", inputs: ["a"], outputs: ["b"], name: "f2")],
                      opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")]
              },
              rule: .ssa, mentions: ["node 'f2'", "'b'"]),
    Violation(description: "function node domain not imported by the function",
              model: TestModels.valid {
                  $0.functions = [Function(name: "F", inputs: ["a"], outputs: ["b"], nodes: [Node(opType: "Relu", inputs: ["a"], outputs: ["b"], name: "f1", domain: "zz")],
                                           opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")]
              },
              rule: .opsetImport, mentions: ["node 'f1'", "'zz'"]),
    Violation(description: "duplicate functions",
              model: TestModels.valid {
                  let f = Function(name: "F", inputs: ["a"], outputs: ["b"], nodes: [Node(opType: "Relu", inputs: ["a"], outputs: ["b"])],
                                   opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")
                  $0.functions = [f, f]
              },
              rule: .function, mentions: ["function[1]", "local::F"]),
    Violation(description: "function ref_attr_name names no attribute",
              model: TestModels.valid {
                  $0.functions = [Function(name: "F", inputs: ["a"], outputs: ["b"], attributes: ["alpha"], nodes: [
                      Node(opType: "LeakyRelu", inputs: ["a"], outputs: ["b"], name: "f1", attributes: [Attribute(name: "alpha", type: .float, refAttrName: "beta")])],
                      opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")]
              },
              rule: .attribute, mentions: ["node 'f1'", "'beta'"]),
]

@Suite struct ModelCheckerTests {
    @Test func validModelHasNoIssues() {
        #expect(ModelChecker().check(TestModels.valid()) == [])
    }

    @Test(arguments: violations)
    func violationIsReported(_ violation: Violation) {
        let issues = ModelChecker().check(violation.model)
        let matching = issues.filter { $0.rule == violation.rule && $0.severity == violation.severity }
        #expect(!matching.isEmpty, "expected a \(violation.severity) for \(violation.rule), got: \(issues)")
        if let issue = matching.first {
            for text in violation.mentions {
                #expect(issue.description.contains(text), "'\(issue)' should mention \(text)")
            }
        }
        // Warnings alone never make a model invalid; errors always do.
        #expect(issues.isValid == (violation.severity == .warning && issues.errors.isEmpty))
    }

    @Test func reportsEveryProblemNotJustTheFirst() {
        let model = TestModels.valid {
            $0.irVersion = nil
            $0.graph!.nodes[1].inputs[0] = "Q"
            $0.graph!.initializers[0].rawData = Data(count: 3)
        }
        let rules = Set(ModelChecker().check(model).map(\.rule))
        #expect(rules.isSuperset(of: [.irVersion, .undefinedInput, .tensorData]))
    }

    @Test func issueNamesNodeAndField() throws {
        let model = TestModels.valid { $0.graph!.nodes[1].inputs[0] = "Q" }
        let issue = try #require(ModelChecker().check(model).first)
        #expect(issue.node == "add")
        #expect(issue.field == "input[0] 'Q'")
        #expect(issue.description == "error: graph 'main' > node 'add' (Add) > input[0] 'Q': input is not defined (no earlier node output, graph input or initializer) [undefined-input]")
    }

    @Test func unnamedNodeIsNamedByOpTypeAndOutput() throws {
        let model = TestModels.valid { $0.graph!.nodes[1].name = nil; $0.graph!.nodes[1].inputs[0] = "Q" }
        let issue = try #require(ModelChecker().check(model).first)
        #expect(issue.description.contains("node 'Add(Y)'"))
    }

    @Test func validateThrowsWithAllErrors() {
        let model = TestModels.valid { $0.graph!.nodes.reverse(); $0.irVersion = nil }
        #expect(throws: ModelCheckFailure.self) { try ModelChecker().validate(model) }
        do {
            try ModelChecker().validate(model)
        } catch {
            #expect(error.errors.count >= 2)
        }
    }

    // Legal models that a too-strict checker would reject.
    @Test func acceptsLegalVariants() {
        let legal: [(String, Model)] = [
            ("initializer also listed as input (old style)", TestModels.valid { $0.graph!.inputs.append(.tensor("W", .float, [4])) }),
            ("IR 3 with initializers as inputs", TestModels.valid { $0.irVersion = 3; $0.graph!.inputs.append(.tensor("W", .float, [4])) }),
            ("IR 1 without opset_import", TestModels.valid { $0.irVersion = 1; $0.opsetImports = []; $0.graph!.inputs.append(.tensor("W", .float, [4])) }),
            ("ai.onnx alias for the default domain", TestModels.valid { $0.opsetImports = [OperatorSetID(domain: "ai.onnx", version: 17)] }),
            ("omitted optional input and output", TestModels.valid {
                $0.graph!.nodes.append(Node(opType: "Dropout", inputs: ["Y", "", ""], outputs: ["D", ""], name: "drop"))
            }),
            ("graph output that is a graph input", TestModels.valid { $0.graph!.outputs.append(TestModels.x) }),
            ("graph output that is an initializer", TestModels.valid { $0.graph!.outputs.append(.tensor("W", .float, [4])) }),
            ("subgraph using outer values", TestModels.withIf(then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["t"])], outputs: [.tensor("t", .float, [])]))),
            ("sibling subgraphs reusing names", TestModels.withIf(
                then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["t"])], outputs: [.tensor("t", .float, [])]),
                else: Graph(name: "else", nodes: [Node(opType: "Neg", inputs: ["X"], outputs: ["t"])], outputs: [.tensor("t", .float, [])]))),
            ("subgraph outputs without types", TestModels.withIf(then: Graph(name: "then", nodes: [Node(opType: "Relu", inputs: ["X"], outputs: ["t"])], outputs: [ValueInfo(name: "t")]))),
            ("empty INTS attribute", TestModels.valid {
                // A custom-domain node: no schema says which attributes it takes.
                $0.opsetImports.append(OperatorSetID(domain: "com.example", version: 1))
                $0.graph!.nodes[0].domain = "com.example"
                $0.graph!.nodes[0].attributes = [.ints("perm", [])]
            }),
            ("symbolic and unknown dims", TestModels.valid {
                $0.graph!.inputs[0] = .tensor("X", .float, ["N", Dimension(nil), 4])
                $0.graph!.outputs[0] = .tensor("Y", .float, ["N", Dimension(nil), 4])
            }),
            ("custom domain imported", TestModels.valid {
                $0.opsetImports.append(OperatorSetID(domain: "com.example", version: 1))
                $0.graph!.nodes[0].domain = "com.example"
            }),
            ("typed int32_data for int8", TestModels.valid { $0.graph!.initializers.append(Tensor(name: "I8", dims: [2], dataType: .int8, int32Data: [1, -1])) }),
            ("complex64 in float_data", TestModels.valid { $0.graph!.initializers.append(Tensor(name: "C", dims: [2], dataType: .complex64, floatData: [1, 2, 3, 4])) }),
            ("int4 packed in int32_data", TestModels.valid { $0.irVersion = 10; $0.graph!.initializers.append(Tensor(name: "I4", dims: [3], dataType: .int4, int32Data: [33, 3])) }),
            ("empty tensor", TestModels.valid { $0.graph!.initializers.append(Tensor(name: "E", dims: [0, 3], dataType: .float)) }),
            ("external data", TestModels.valid {
                $0.graph!.initializers[0] = Tensor(name: "W", dims: [4], dataType: .float, externalData: [
                    MetadataEntry(key: "location", value: "weights/w.bin"), MetadataEntry(key: "offset", value: "0"), MetadataEntry(key: "length", value: "16")], dataLocation: .external)
            }),
            ("sparse initializer, 2-D indices", TestModels.valid {
                $0.graph!.sparseInitializers = [SparseTensor(values: Tensor(name: "S", dims: [2], values: [Float(1), 2]),
                                                             indices: Tensor(name: "Si", dims: [2, 2], values: [Int64(0), 1, 1, 0]), dims: [2, 2])]
            }),
            ("function using its attribute", TestModels.valid {
                $0.opsetImports.append(OperatorSetID(domain: "local", version: 1))
                $0.functions = [Function(name: "F", inputs: ["a"], outputs: ["b"], attributes: ["alpha"], nodes: [
                    Node(opType: "LeakyRelu", inputs: ["a"], outputs: ["b"], attributes: [Attribute(name: "alpha", type: .float, refAttrName: "alpha")])],
                    opsetImports: [OperatorSetID(domain: "", version: 17)], domain: "local")]
                $0.graph!.nodes.append(Node(opType: "F", inputs: ["Y"], outputs: ["Z"], domain: "local"))
            }),
        ]
        for (label, model) in legal {
            let issues = ModelChecker().check(model)
            #expect(issues.isValid, "\(label): \(issues.errors)")
        }
    }
}
