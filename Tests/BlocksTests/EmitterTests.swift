import Testing
import Blocks
import BlockMapper
import ONNXIR

/// The emitter on tiny networks (same builders as the full ones, narrow widths): names,
/// interface, what the folding options change, and errors that name the block.
struct EmitterTests {
    static func tinyResNet(version: Int = 1, seed: UInt64 = 1) throws -> Network {
        let net = version == 1
            ? try ResNetBuilder.v1(depths: [1, 2], variant: .bottleneck, inputSize: 32, classes: 5, widths: [4, 8])
            : try ResNetBuilder.v2(depths: [2, 2], inputSize: 32, classes: 5, widths: [4, 8])
        return net.initialized(seed: seed)
    }

    @Test func interfaceAndKerasNames() throws {
        let model = try ONNXEmitter().emit(try Self.tinyResNet())
        let graph = try #require(model.graph)
        #expect(model.opsetVersion() == 17)
        #expect(graph.inputs.map(\.name) == ["input"])
        #expect(graph.outputs.map(\.name) == ["output"])
        let dims = graph.inputs[0].type?.tensorType?.shape?.dims ?? []
        #expect(dims == ["batch", 3, 32, 32])
        let names = Set(graph.nodes.compactMap(\.name))
        for expected in ["conv1_conv", "conv1_bn", "pool1_pool", "conv2_block1_0_conv", "conv2_block1_add",
                         "conv2_block1_out", "conv3_block2_3_bn", "predictions", "predictions_softmax"] {
            #expect(names.contains(expected), "\(expected)")
        }
        #expect(names.count == graph.nodes.count)
        #expect(graph.nodes.last?.outputs == ["output"])
    }

    @Test func deterministic() throws {
        let a = try ONNXEmitter().emit(try Self.tinyResNet(seed: 3))
        let b = try ONNXEmitter().emit(try Self.tinyResNet(seed: 3))
        #expect(a == b)
    }

    @Test func foldingRemovesBatchNormalization() throws {
        let net = try Self.tinyResNet(version: 2)
        let kept = try ONNXEmitter().emit(net)
        let folded = try ONNXEmitter(options: .init(foldBatchNorm: true)).emit(net)
        let keptOps = kept.graph!.nodes.compactMap(\.opType)
        let foldedOps = folded.graph!.nodes.compactMap(\.opType)
        #expect(keptOps.contains("BatchNormalization"))
        #expect(!foldedOps.contains("BatchNormalization"))
        // Pre-activation BNs follow an Add, not a conv: they become Mul + Add.
        #expect(foldedOps.contains("Mul"))
    }

    @Test func nhwcInputGetsOneTranspose() throws {
        var net = try Self.tinyResNet()
        net.inputLayout = .nhwc
        let graph = try #require(try ONNXEmitter().emit(net).graph)
        #expect(graph.nodes.first?.opType == "Transpose")
        #expect(graph.nodes.filter { $0.opType == "Transpose" }.count == 1)
        #expect(graph.inputs[0].type?.tensorType?.shape?.dims == ["batch", 32, 32, 3])
    }

    @Test func missingWeightsNameTheLayer() throws {
        let structure = try ResNetBuilder.v1(depths: [1], variant: .basic, inputSize: 16, classes: 2, widths: [4])
        #expect(throws: EmitError.missingWeights(block: "stem", layer: "conv1_conv")) {
            try ONNXEmitter().emit(structure)
        }
    }

    @Test func unsupportedOpsetIsRejected() throws {
        #expect(throws: EmitError.unsupportedOpset(12)) {
            try ONNXEmitter(options: .init(opset: 12)).emit(try Self.tinyResNet())
        }
    }

    @Test func channelMismatchNamesTheBlock() throws {
        var net = try Self.tinyResNet()
        guard case .residual(var block) = net.blocks[1] else { Issue.record("expected a residual block"); return }
        block.shortcut = .identity
        net.blocks[1] = .residual(block)
        #expect {
            try ONNXEmitter().emit(net)
        } throws: { error in
            guard case .invalidStructure(let e) = error as? EmitError else { return false }
            return e.description.contains("conv3_block1")
        }
    }

    @Test func inceptionResNetScaleExplicitOrFolded() throws {
        let net = try InceptionResNetBuilder.build(version: 1, inputSize: 75, classes: 3)
        // Only the structure matters here: count Mul nodes without filling 20 M weights.
        var small = net
        small.blocks = Array(net.blocks.prefix(2))
        small.head = nil
        let initialized = small.initialized(seed: 1)
        let explicit = try ONNXEmitter().emit(initialized).graph!.nodes
        let folded = try ONNXEmitter(options: .init(foldResidualScale: true)).emit(initialized).graph!.nodes
        #expect(explicit.filter { $0.opType == "Mul" }.map(\.name) == ["block35_1_scale", "block35_2_scale"])
        #expect(!folded.contains { $0.opType == "Mul" })
    }
}
