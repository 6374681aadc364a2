import BlockMapper
import Blocks
import Foundation
import Testing

/// Strict specs: unknown keys name the nearest valid one, a spec must constrain structure,
/// versions are checked, and the Swift key lists agree with the published JSON schema.
@Suite struct SpecStrictnessTests {
    static func message(_ spec: JSONValue) -> String? {
        do { try SpecSchema.validate(spec); return nil } catch let e as StructureSpec.InvalidSpec { return e.description } catch { return "\(error)" }
    }

    @Test(arguments: [
        (#"{"family": "resnet", "stagez": [1, 1, 1, 1], "varient": "basic"}"#, "unknown key 'stagez' (did you mean 'stages'?)"),
        (#"{"family": "resnet", "stages": [1], "varient": "basic"}"#, "unknown key 'varient' (did you mean 'variant'?)"),
        (#"{"stages": [{"kind": "residual", "cout": 3}]}"#, "stages[0]: unknown key 'cout' (did you mean 'count'?)"),
        (#"{"blocks": [{"kind": "stem", "outputChanels": 64}]}"#, "blocks[0]: unknown key 'outputChanels' (did you mean 'outputChannels'?)"),
        (#"{"family": "resnet"}"#, "constrains only the family"),
        (#"{}"#, "constrains nothing"),
        (#"{"version": 2, "stages": [3]}"#, "'version': 2 is not a spec version"),
        (#"{"stages": []}"#, "'stages' must be a non-empty list"),
        (#"{"stages": [{"kind": "residual"}]}"#, "'count' (a whole number of blocks) is required"),
        (#"{"totals": {"params": 5}}"#, "totals: unknown key 'params' (did you mean 'parameters'?)"),
    ])
    func refusedWithReason(_ text: String, _ reason: String) throws {
        let spec = try JSONValue.parse(Data(text.utf8))
        let message = Self.message(spec)
        #expect(message?.contains(reason) == true, "\(text): \(message ?? "accepted")")
    }

    @Test func familyOnlySpecNoLongerPassesResNet101() throws {
        let doc = StructureDocument.make(try Architecture.resnet101.structure())
        #expect(throws: StructureSpec.InvalidSpec.self) { try StructureSpec.check(doc, against: .object(["family": "resnet"])) }
    }

    @Test func everyKnownArchitectureSpecIsValid() throws {
        for arch in KnownArchitectures.all { #expect(Self.message(arch.spec) == nil, "\(arch.name)") }
    }

    @Test(arguments: Architecture.allCases)
    func blocksJSONOfEveryBuiltArchitectureIsAValidSpecAndMatchesItself(_ arch: Architecture) throws {
        let doc = StructureDocument.make(try arch.structure())
        #expect(Self.message(doc) == nil, "\(arch.rawValue): \(Self.message(doc) ?? "")")
        let failures = try StructureSpec.check(doc, against: doc).compactMap(\.failure)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The published schema (tools/schemas/structure-spec-v1.schema.json) lists the same keys.
    @Test func schemaFileAgreesWithTheKeyLists() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/schemas/structure-spec-v1.schema.json")
        let schema = try JSONValue.parse(Data(contentsOf: url))
        func keys(_ v: JSONValue?) -> [String] { (v?["properties"]?.objectValue ?? [:]).keys.sorted() }
        #expect(keys(schema) == SpecSchema.topLevelKeys.sorted())
        #expect(keys(schema["$defs"]?["block"]) == SpecSchema.blockKeys.sorted())
        #expect(keys(schema["$defs"]?["stage"]) == SpecSchema.stageKeys.sorted())
        #expect(keys(schema["properties"]?["totals"]) == SpecSchema.totalsKeys.sorted())
        #expect(keys(schema["properties"]?["tolerances"]) == SpecSchema.toleranceKeys.sorted())
        #expect(schema["properties"]?["version"]?["const"]?.intValue == StructureDocument.version)
    }
}
