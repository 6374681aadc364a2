import BlockMapper
import Blocks
import Testing

/// `verify --expect-arch` tells apart what a block list alone does not: ResNet-50 from
/// ResNeXt-50 (32 groups on the 3×3) and Wide-ResNet-50-2 (twice the inner width), and V1
/// (stride on the first 1×1) from V1.5 (stride on the 3×3). The variants are made from the
/// builder's Keras ResNet-50 by changing convs as the papers / torchvision define them.
@Suite struct ArchitectureDistinctionTests {
    /// ResNet-50 with each bottleneck's inner width × `widen`, `groups` on the 3×3, and the
    /// stride moved to the 3×3 when `strideOn3x3`.
    static func variant(widen: Int = 1, groups: Int = 1, strideOn3x3: Bool = false) throws -> JSONValue {
        var network = try Architecture.resnet50.structure()
        // Grouped bottlenecks are family `resnext`, as the recognizer labels them.
        if groups > 1 { network.family = .resnext }
        network.blocks = network.blocks.map { block in
            guard case .residual(var b) = block else { return block }
            var index = 0
            let stride = b.stride
            b.residual = b.residual.map { layer in
                guard case .conv(var c) = layer else { return layer }
                defer { index += 1 }
                if index < 2 { c.outputChannels *= widen }
                if index > 0 { c.inputChannels *= widen }
                if index == 1 { c.group = groups }
                if strideOn3x3 && stride > 1 { c.strides = index == 1 ? Size2(stride) : .one }
                return .conv(c)
            }
            return .residual(b)
        }
        return StructureDocument.make(network)
    }

    static func failures(_ doc: JSONValue, _ arch: String) throws -> [String] {
        try StructureSpec.check(doc, against: KnownArchitectures.specs[arch]!).compactMap(\.failure)
    }

    @Test(arguments: [
        ("resnet50", 1, 1, false), ("resnet50-v1.5", 1, 1, true), ("resnext50-32x4d", 2, 32, true), ("wide-resnet50-2", 2, 1, true),
    ])
    func eachVariantMatchesOnlyItsOwnSpec(_ own: String, _ widen: Int, _ groups: Int, _ strideOn3x3: Bool) throws {
        let doc = try Self.variant(widen: widen, groups: groups, strideOn3x3: strideOn3x3)
        #expect(try Self.failures(doc, own) == [])
        for other in ["resnet50", "resnet50-v1.5", "resnext50-32x4d", "wide-resnet50-2"] where other != own {
            #expect(!(try Self.failures(doc, other)).isEmpty, "\(own) passes --expect-arch \(other)")
        }
    }

    @Test func resnextAgainstResNet50NamesTheBlockAndTheGroups() throws {
        let failures = try Self.failures(try Self.variant(widen: 2, groups: 32, strideOn3x3: true), "resnet50-v1.5")
        #expect(failures.contains { $0.contains("family") && $0.contains("resnext") }, "\(failures)")
        #expect(failures.contains { $0.contains("conv2_block1: layers[0].filters 64 expected, 128 found") }, "\(failures)")
        #expect(failures.contains { $0.contains("layers[1].groups 1 expected, 32 found") }, "\(failures)")
    }

    @Test func v15AgainstV1NamesTheStridedBlock() throws {
        let failures = try Self.failures(try Self.variant(strideOn3x3: true), "resnet50")
        #expect(failures == [
            "stage 2 (conv3_block1…): conv3_block1: strideConv 1 expected, 2 found",
            "stage 3 (conv4_block1…): conv4_block1: strideConv 1 expected, 2 found",
            "stage 4 (conv5_block1…): conv5_block1: strideConv 1 expected, 2 found",
        ])
    }

    @Test func aSpecThatSaysSoAcceptsBothStridePositions() throws {
        guard case .object(var spec) = KnownArchitectures.specs["resnet50"]!, let stages = spec["stages"]?.arrayValue else { return }
        spec["stages"] = .array(stages.map { stage in
            guard case .object(var s) = stage else { return stage }
            s["strideConv"] = .object(["anyOf": .array([.int(1), .int(2)])])
            return .object(s)
        })
        for strideOn3x3 in [false, true] {
            let failures = try StructureSpec.check(try Self.variant(strideOn3x3: strideOn3x3), against: .object(spec)).compactMap(\.failure)
            #expect(failures == [])
        }
    }

    @Test func fullSpecSavedFromResNet50FailsWideResNetOnWidthsAndTotals() throws {
        let saved = try Self.variant(strideOn3x3: true)
        let failures = try StructureSpec.check(try Self.variant(widen: 2, strideOn3x3: true), against: saved).compactMap(\.failure)
        #expect(failures.contains { $0.hasPrefix("conv2_block1: layers[0].filters 64 expected, 128 found") }, "\(failures)")
        #expect(failures.contains { $0.contains("totals.parameters") }, "\(failures)")
    }

    @Test func resnet50AgainstResNet101IsExactlyTheSeventeenBlocksAddedToStage3() throws {
        let a = StructureDocument.make(try Architecture.resnet50.structure())
        let b = StructureDocument.make(try Architecture.resnet101.structure())
        let diff = StructureDiff(a, b)
        #expect(diff.lines == (7...23).map { "+ conv4_block\($0) (residual/bottleneck, stage 3 block \($0))" })
        #expect(diff.blockCounts.first == 16 && diff.blockCounts.second == 33)
        // The spec side: ResNet-101 against a spec saved from ResNet-50 reports the same 17, by stage and position.
        let checks = try StructureSpec.check(b, against: a)
        #expect(checks.compactMap(\.failure) .filter { !$0.hasPrefix("totals") }
            == (7...23).map { "conv4_block\($0) (stage 3 block \($0)): unexpected residual/bottleneck block" })
        #expect(Set(checks.map(\.name)).count == checks.count, "JUnit test-case names repeat")
    }

    @Test func namesAreIgnoredUnlessAsked() throws {
        let a = StructureDocument.make(try Architecture.resnet50.structure())
        guard case .object(var renamed) = a, let blocks = renamed["blocks"]?.arrayValue else { return }
        renamed["blocks"] = .array(blocks.enumerated().map { k, block in
            guard case .object(var b) = block else { return block }
            b["name"] = .string("layer_\(k)")
            return .object(b)
        })
        #expect(StructureDiff(a, .object(renamed)).isEmpty)
        #expect(try StructureSpec.check(.object(renamed), against: a).allSatisfy(\.passed))
        #expect(StructureDiff(a, .object(renamed), compareNames: true).changes.count == blocks.count)
        #expect(try StructureSpec.check(.object(renamed), against: a, compareNames: true).filter { !$0.passed }.count == blocks.count)
    }
}
