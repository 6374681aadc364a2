import BlockMapper
import Blocks
import Foundation
import Testing

/// `verify`'s comparison: full and compact specs, passing and failing, with readable messages.
@Suite struct StructureSpecTests {
    static func actual(_ name: String) throws -> JSONValue {
        StructureDocument.make(try BlockRecognizer(loadWeights: false).recognize(try FixtureSupport.model(name)))
    }

    @Test func fullSpecFromFixturePasses() throws {
        let checks = try StructureSpec.check(try Self.actual("resnet_v2_bottleneck"), against: try FixtureSupport.expected("resnet_v2_bottleneck"))
        let allPassed = checks.allSatisfy { $0.passed }
        #expect(allPassed, "\(checks.filter { !$0.passed })")
        #expect(checks.count == 2 + 18)
    }

    @Test func changedFieldIsReportedByBlockName() throws {
        guard case .object(var spec) = try FixtureSupport.expected("he2016_original"),
              case .array(var blocks)? = spec["blocks"], case .object(var third)? = blocks[3] as JSONValue? else {
            Issue.record("unexpected fixture shape"); return
        }
        third["stride"] = .int(1)
        third["outputChannels"] = nil  // left out: ignored
        blocks[3] = .object(third)
        spec["blocks"] = .array(blocks)
        let failures = try StructureSpec.check(try Self.actual("he2016_original"), against: .object(spec)).filter { !$0.passed }
        #expect(failures.map(\.failure) == ["conv3_block1: stride 1 expected, 2 found"])
    }

    @Test func scalesCompareAsNumbers() {
        let actual: JSONValue = .object(["blocks": .array([.object(["name": "block35_4", "kind": "inception-resnet", "scale": .number(0.1)])]),
                                         "unassigned": .array([])])
        let spec: JSONValue = .object(["blocks": .array([.object(["name": "block35_4", "scale": .number(0.17)])])])
        let failures = (try? StructureSpec.check(actual, against: spec))?.filter { !$0.passed } ?? []
        #expect(failures.map(\.failure) == ["block35_4: scale 0.17 expected, 0.1 found"])
    }

    @Test(arguments: [("resnet50", "conv2_block1: outputChannels 256 expected, 16 found"), ("resnet101", "expected 23 bottleneck blocks, found 6"),
                      ("resnet34", "expected basic blocks, found bottleneck"), ("resnet50v2", "version 2 expected, 1 found")])
    func knownArchitectureOnReducedWidthFixture(_ arch: String, _ message: String) throws {
        // resnet_v1_bottleneck has Keras ResNet50's depths (3-4-6-3) at a quarter of its widths: not ResNet-50.
        let failures = try StructureSpec.check(try Self.actual("resnet_v1_bottleneck"), against: KnownArchitectures.specs[arch]!).compactMap(\.failure)
        #expect(failures.contains { $0.contains(message) }, "\(arch): \(failures)")
    }

    @Test func resnet50v2OnPreactivationFixtureDiffersOnlyInWidth() throws {
        let failures = try StructureSpec.check(try Self.actual("resnet_v2_bottleneck"), against: KnownArchitectures.specs["resnet50v2"]!)
            .compactMap(\.failure)
        #expect(!failures.isEmpty && failures.allSatisfy { $0.contains("outputChannels") || $0.contains("filters") }, "\(failures)")
    }

    @Test func compactStageMessage() throws {
        let failures = try StructureSpec.check(try Self.actual("resnet_v1_bottleneck"), against: KnownArchitectures.specs["resnet101"]!)
            .compactMap(\.failure)
        #expect(failures.contains { $0.hasPrefix("stage 3 (conv4_block1…): expected 23 bottleneck blocks, found 6") }, "\(failures)")
    }

    @Test func missingAndExtraBlocks() throws {
        let actual = try Self.actual("resnet_v1_basic")
        guard case .object(var spec) = try FixtureSupport.expected("resnet_v1_basic"), case .array(let blocks)? = spec["blocks"] else { return }
        // Without the last stage's blocks: those are unexpected, each reported once.
        let lastStage = blocks.indices.filter { blocks[$0]["name"]?.stringValue?.hasPrefix("conv5") == true }
        spec["blocks"] = .array(blocks.enumerated().filter { !lastStage.contains($0.offset) }.map(\.element))
        let fewer = try StructureSpec.check(actual, against: .object(spec)).compactMap(\.failure)
        #expect(fewer.count == lastStage.count && fewer.allSatisfy { $0.contains("unexpected residual/basic block") }, "\(fewer)")
        // One block more than the model has: one missing block, nothing else.
        var more = blocks
        more.insert(blocks[2], at: 3)
        spec["blocks"] = .array(more)
        let extra = try StructureSpec.check(actual, against: .object(spec)).compactMap(\.failure)
        #expect(extra.count == 1 && extra[0].contains("found none"), "\(extra)")
    }

    @Test func invalidSpecsAreRejected() {
        #expect(throws: StructureSpec.InvalidSpec.self) { try StructureSpec.check(.object([:]), against: .array([])) }
        #expect(throws: StructureSpec.InvalidSpec.self) {
            try StructureSpec.check(.object([:]), against: .object(["stages": .array([.string("x")])]))
        }
    }
}
