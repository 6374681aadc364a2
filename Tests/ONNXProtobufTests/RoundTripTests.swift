import Foundation
import ONNXIR
import ONNXProtobuf
import Testing

/// Serialize → read gives back the same value, for every kind of field the IR has.
/// (The conformance round trip in Tests/python judges our output with the onnx package.)
struct RoundTripTests {
    static func everyFeatureModel() -> Model {
        let big = Tensor(name: "big", dims: [40_000], values: (0..<40_000).map { Float($0) * 0.5 })
        let medium = Tensor(name: "medium", dims: [2000], values: (0..<2000).map { Int32($0) })
        let typed = Tensor(name: "typed", dims: [2], dataType: .double, doubleData: [1.5, -2],
                           docString: "", metadataProps: [MetadataEntry(key: "k", value: nil)])
        let strings = Tensor(name: "s", dims: [2], dataType: .string, stringData: [Data("a".utf8), Data([0, 255])])
        let segmented = Tensor(name: "seg", dims: [1], dataType: .int64, segment: .init(begin: 0, end: nil), int64Data: [7])
        let external = Tensor(name: "ext", dims: [4], dataType: .float,
                              externalData: [MetadataEntry(key: "location", value: "w.bin")], dataLocation: .external)
        let sparse = SparseTensor(values: Tensor(dims: [1], dataType: .float, floatData: [3]),
                                  indices: Tensor(dims: [1], dataType: .int64, int64Data: [5]), dims: [10])
        let shape = TensorShape(dims: [Dimension(.value(1)), Dimension(.param("batch"), denotation: "DATA_BATCH"), Dimension(nil)])
        let types: [ValueType] = [
            ValueType(value: .tensor(.init(elementType: .float, shape: shape)), denotation: "TENSOR"),
            ValueType(value: .tensor(.init(elementType: nil, shape: TensorShape()))),
            ValueType(value: .sequence(elementType: ValueType(value: .map(keyType: .int64, valueType: ValueType(value: .tensor(.init(elementType: .float))))))),
            ValueType(value: .optional(elementType: nil)),
            ValueType(value: .sparseTensor(.init(elementType: .float, shape: nil))),
            ValueType(value: .opaque(domain: "d", name: nil)),
            ValueType(),
        ]
        let body = Graph(name: "body", nodes: [Node(opType: "Identity", inputs: ["a"], outputs: ["b"])],
                         outputs: [ValueInfo(name: "b", type: types[0])])
        let attributes: [Attribute] = [
            .float("f", 0.25), .int("i", -3), .string("s", "text"), .tensor("t", medium),
            .floats("fs", [1, 2]), .ints("is", [1, -1]),
            Attribute(name: "g", type: .graph, g: body),
            Attribute(name: "strs", type: .strings, strings: [Data(), Data("x".utf8)]),
            Attribute(name: "ts", type: .tensors, tensors: [typed, strings]),
            Attribute(name: "gs", type: .graphs, graphs: [body, Graph()]),
            Attribute(name: "sp", type: .sparseTensor, sparseTensor: sparse),
            Attribute(name: "sps", type: .sparseTensors, sparseTensors: [sparse]),
            Attribute(name: "tp", type: .typeProto, tp: types[2]),
            Attribute(name: "tps", type: .typeProtos, typeProtos: types),
            Attribute(name: "ref", type: .float, refAttrName: "outer", docString: "d"),
            Attribute(name: "unknown-type", type: AttributeType(rawValue: 99)),
            Attribute(),
        ]
        let sharding = ShardingSpec(tensorName: "w", devices: [0, 1],
                                    indexToDeviceGroupMap: [IntIntListEntry(key: 0, values: [1, 2])],
                                    shardedDims: [ShardedDim(axis: 0, simpleShardings: [
                                        SimpleShardedDim(dim: .value(4), numShards: 2), SimpleShardedDim(dim: .param("n")), SimpleShardedDim()])])
        let node = Node(opType: "Custom", inputs: ["x", "", "big"], outputs: ["y"], name: "n", domain: "com.example",
                        overload: "o", attributes: attributes, docString: "node doc",
                        metadataProps: [MetadataEntry(key: "a", value: "b")],
                        deviceConfigurations: [NodeDeviceConfiguration(configurationID: "c", shardingSpecs: [sharding], pipelineStage: 1)])
        let graph = Graph(
            name: "main", nodes: [node], initializers: [big, medium, typed, strings, segmented, external],
            sparseInitializers: [sparse], docString: "graph doc",
            inputs: types.enumerated().map { ValueInfo(name: "in\($0.offset)", type: $0.element) } + [ValueInfo()],
            outputs: [ValueInfo(name: "y", type: types[0], docString: "out", metadataProps: [MetadataEntry(key: "m", value: "")])],
            valueInfo: [ValueInfo(name: "v")],
            quantizationAnnotations: [TensorAnnotation(tensorName: "y", quantParameterTensorNames: [MetadataEntry(key: "SCALE_TENSOR", value: "s")])],
            metadataProps: [MetadataEntry(key: "gk", value: "gv")]
        )
        let function = Function(name: "F", inputs: ["a"], outputs: ["b"], attributes: ["alpha"],
                                attributeProtos: [.float("beta", 1)], nodes: body.nodes, docString: "fn",
                                opsetImports: [OperatorSetID(domain: "", version: 18)], domain: "local", overload: "",
                                valueInfo: [ValueInfo(name: "a")], metadataProps: [MetadataEntry(key: "f", value: "1")])
        return Model(
            irVersion: 11, opsetImports: [OperatorSetID(domain: "", version: 21), OperatorSetID(domain: "local", version: nil)],
            producerName: "tests", producerVersion: "", domain: nil, modelVersion: 3, docString: "model doc",
            graph: graph, metadataProps: [MetadataEntry(key: "author", value: "us")],
            trainingInfo: [TrainingInfo(initialization: body, algorithm: nil,
                                        initializationBinding: [MetadataEntry(key: "a", value: "b")], updateBinding: [])],
            functions: [function],
            configurations: [DeviceConfiguration(name: "cfg", numDevices: 2, devices: ["gpu0", "gpu1"])]
        )
    }

    @Test func everyFieldSurvivesSerializeAndRead() throws {
        let model = Self.everyFeatureModel()
        var reader = ModelReader()
        reader.loadExternalData = false  // "ext" points at a file that does not exist
        let back = try reader.read(data: ModelWriter().serialize(model))
        #expect(back == model)
        #expect(try back.graph!.initializers[0].floats() == (0..<40_000).map { Float($0) * 0.5 })
    }

    @Test func writerOutputIsStable() throws {
        // Reading our own output and writing again gives identical bytes.
        let first = try ModelWriter().serialize(Self.everyFeatureModel())
        var reader = ModelReader()
        reader.loadExternalData = false
        let second = try ModelWriter().serialize(reader.read(data: first))
        #expect(first == second)
    }

    @Test func tensorFilesRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let tensor = Tensor(name: "x", dims: [3, 40_000], values: (0..<120_000).map { Int64($0) - 5 })
        let url = dir.url.appendingPathComponent("input_0.pb")
        try TensorProtoFile.write(tensor, to: url)
        #expect(try TensorProtoFile.read(contentsOf: url) == tensor)
        #expect(try TensorProtoFile.decode(TensorProtoFile.encode(tensor)) == tensor)
    }

    @Test func stringsWithNULCannotBeEncoded() {
        let model = Model(producerName: "a\u{0}b")
        #expect(throws: ONNXProtobufError.self) { try ModelWriter().serialize(model) }
    }
}
