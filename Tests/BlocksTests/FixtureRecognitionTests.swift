import BlockMapper
import Blocks
import Foundation
import ONNXIR
import Testing

/// Every fixture's `expected_blocks.json` (recorded by the Keras builder) is reproduced exactly.
@Suite struct FixtureRecognitionTests {
    @Test func fixturesExist() {
        #expect(FixtureSupport.names.count >= 8, "fixtures/ should hold the Keras fixtures")
    }

    @Test(arguments: FixtureSupport.names)
    func reproducesExpectedBlocks(_ name: String) throws {
        let recognition = try BlockRecognizer(loadWeights: false).recognize(try FixtureSupport.model(name))
        let got = recognition.describe()
        let expected = try FixtureSupport.expected(name)
        #expect(got["family"] == expected["family"], "\(name): family")
        #expect(got["coverage"] == expected["coverage"], "\(name): coverage")
        #expect(got["unassigned"] == expected["unassigned"], "\(name): unassigned \(recognition.unassigned)")
        let gotBlocks = got["blocks"]?.arrayValue ?? []
        let expectedBlocks = expected["blocks"]?.arrayValue ?? []
        #expect(gotBlocks.count == expectedBlocks.count, "\(name): block count")
        for (g, e) in zip(gotBlocks, expectedBlocks) {
            #expect(g == e, "\(name): got \(g), expected \(e)")
        }
    }

    /// Renaming every node and tensor changes nothing but names.
    @Test(arguments: FixtureSupport.names)
    func renamingChangesOnlyNames(_ name: String) throws {
        let model = try FixtureSupport.model(name)
        let renamed = Self.renamed(model)
        let a = try BlockRecognizer(loadWeights: false).recognize(model)
        let b = try BlockRecognizer(loadWeights: false).recognize(renamed)
        #expect(Self.withoutNames(a.describe()) == Self.withoutNames(b.describe()), "\(name)")
        #expect(b.isComplete)
        // The renamed graph really has other names.
        #expect(Set(renamed.graph!.nodes.compactMap(\.name)).isDisjoint(with: Set(model.graph!.nodes.compactMap(\.name))))
    }

    /// Every node and tensor name replaced by an opaque one; node order shuffled within what
    /// stays a topological order is not attempted (ONNX requires topological order).
    static func renamed(_ model: Model) -> Model {
        var model = model
        guard var graph = model.graph else { return model }
        var map: [String: String] = [:]
        func rename(_ t: String) -> String {
            guard !t.isEmpty else { return t }
            if let m = map[t] { return m }
            let m = "t\(map.count * 7919 % 100_003)_\(map.count)"
            map[t] = m
            return m
        }
        for k in graph.initializers.indices { graph.initializers[k].name = graph.initializers[k].name.map(rename) }
        for k in graph.inputs.indices { graph.inputs[k].name = graph.inputs[k].name.map(rename) }
        for k in graph.outputs.indices { graph.outputs[k].name = graph.outputs[k].name.map(rename) }
        for k in graph.valueInfo.indices { graph.valueInfo[k].name = graph.valueInfo[k].name.map(rename) }
        for k in graph.nodes.indices {
            graph.nodes[k].inputs = graph.nodes[k].inputs.map(rename)
            graph.nodes[k].outputs = graph.nodes[k].outputs.map(rename)
            graph.nodes[k].name = "n\(k * 31 % 997)_\(k)"
        }
        model.graph = graph
        return model
    }

    static func withoutNames(_ doc: JSONValue) -> JSONValue {
        switch doc {
        case .object(var o):
            for key in ["name", "unassigned", "unassignedReasons", "input", "statistics"] where o[key] != nil {
                if key == "statistics" || key == "input" { o[key] = nil } else if key == "name" { o[key] = .string("") } else { o[key] = nil }
            }
            return .object(o.mapValues(withoutNames))
        case .array(let a): return .array(a.map(withoutNames))
        default: return doc
        }
    }
}
