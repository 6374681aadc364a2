import BlockMapper
import Blocks
import Foundation
import Testing

/// `verify`'s comparison: full and compact specs, passing and failing, with readable messages.
@Suite struct StructureSpecTests {
    static func actual(_ name: String) throws -> JSONValue {
        try BlockRecognizer(loadWeights: false).recognize(try FixtureSupport.model(name)).describe()
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

    @Test(arguments: [("resnet50", true), ("resnet101", false), ("resnet34", false), ("resnet50v2", false)])
    func knownArchitectureOnBottleneckFixture(_ arch: String, _ passes: Bool) throws {
        // resnet_v1_bottleneck has Keras ResNet50's depths (3-4-6-3) at reduced width.
        let checks = try StructureSpec.check(try Self.actual("resnet_v1_bottleneck"), against: KnownArchitectures.specs[arch]!)
        let allPassed = checks.allSatisfy(\.passed)
        #expect(allPassed == passes, "\(arch): \(checks.compactMap(\.failure))")
    }

    @Test func resnet50v2OnPreactivationFixture() throws {
        let checks = try StructureSpec.check(try Self.actual("resnet_v2_bottleneck"), against: KnownArchitectures.specs["resnet50v2"]!)
        #expect(checks.compactMap(\.failure) == [])
        let v1 = try StructureSpec.check(try Self.actual("resnet_v2_bottleneck"), against: KnownArchitectures.specs["resnet50"]!)
        #expect(v1.compactMap(\.failure).count == 4)
    }

    @Test func compactStageMessage() throws {
        let failures = try StructureSpec.check(try Self.actual("resnet_v1_bottleneck"), against: KnownArchitectures.specs["resnet101"]!)
            .compactMap(\.failure)
        #expect(failures == ["stage 3 (conv4_block1…): expected 23 bottleneck blocks, found 6"])
    }

    @Test func missingAndExtraBlocks() throws {
        let actual = try Self.actual("resnet_v1_basic")
        guard case .object(var spec) = try FixtureSupport.expected("resnet_v1_basic"), case .array(let blocks)? = spec["blocks"] else { return }
        spec["blocks"] = .array(Array(blocks.prefix(3)))
        let fewer = try StructureSpec.check(actual, against: .object(spec)).compactMap(\.failure)
        #expect(fewer.count == blocks.count - 3)
        #expect(fewer.first?.contains("unexpected residual block") == true)
        spec["blocks"] = .array(blocks + [blocks[1]])
        let more = try StructureSpec.check(actual, against: .object(spec)).compactMap(\.failure)
        #expect(more.count == 1 && more[0].contains("found none"))
    }

    @Test func invalidSpecsAreRejected() {
        #expect(throws: StructureSpec.InvalidSpec.self) { try StructureSpec.check(.object([:]), against: .array([])) }
        #expect(throws: StructureSpec.InvalidSpec.self) {
            try StructureSpec.check(.object([:]), against: .object(["stages": .array([.string("x")])]))
        }
    }
}
