import Testing
@testable import ONNXIR

@Suite struct GraphTopologyTests {
    private func node(_ name: String, _ inputs: [String], _ outputs: [String], attributes: [Attribute] = []) -> Node {
        Node(opType: "Op", inputs: inputs, outputs: outputs, name: name, attributes: attributes)
    }

    @Test func sortedGraphComesBackUnchanged() throws {
        let graph = TestModels.valid().graph!
        #expect(try graph.topologicallySorted() == graph)
    }

    @Test func reordersAndKeepsIndependentNodesInOriginalOrder() throws {
        // d needs c; c needs a; b is independent and stays between a and c.
        let graph = Graph(name: "g", nodes: [
            node("d", ["C"], ["D"]), node("a", ["X"], ["A"]), node("b", ["X"], ["B"]), node("c", ["A"], ["C"]),
        ], inputs: [TestModels.x])
        let sorted = try graph.topologicallySorted()
        #expect(sorted.nodes.map { $0.name! } == ["a", "b", "c", "d"])
        #expect(ModelChecker().check(Model(irVersion: 8, opsetImports: [.init(domain: "", version: 17)], graph: sorted)).isValid)
    }

    @Test func cycleNamesTheNodesInIt() {
        let graph = Graph(name: "g", nodes: [
            node("start", ["X"], ["S"]), node("p", ["S", "R"], ["P"]), node("q", ["P"], ["Q"]), node("r", ["Q"], ["R"]),
        ], inputs: [TestModels.x])
        #expect(throws: GraphOrderError.self) { try graph.topologicallySorted() }
        do {
            _ = try graph.topologicalOrder()
        } catch {
            guard case .cycle(let nodes) = error else { Issue.record("expected a cycle, got \(error)"); return }
            #expect(Set(nodes) == ["p", "q", "r"])
            #expect(error.description.contains("'p'"))
        }
    }

    @Test func undefinedInputNamesNodeAndInput() {
        let graph = Graph(name: "g", nodes: [node("a", ["X", "missing"], ["A"])], inputs: [TestModels.x])
        #expect(throws: GraphOrderError.undefinedInput(node: "a", input: "missing")) { try graph.topologicallySorted() }
    }

    @Test func duplicateOutputIsReported() {
        let graph = Graph(name: "g", nodes: [node("a", ["X"], ["A"]), node("b", ["X"], ["A"])], inputs: [TestModels.x])
        #expect(throws: GraphOrderError.duplicateOutput(node: "b", output: "A")) { try graph.topologicallySorted() }
    }

    @Test func outerScopeNamesAndInitializersCount() throws {
        let graph = Graph(name: "g", nodes: [node("a", ["outer", "W", ""], ["A"])], initializers: [TestModels.weight])
        #expect(throws: GraphOrderError.self) { try graph.topologicallySorted() }
        #expect(try graph.topologicalOrder(outerScope: ["outer"]) == [0])
    }

    @Test func subgraphUseOfOuterValueIsADependency() throws {
        // "holder" has no direct inputs, but its subgraph reads L, produced by "late".
        let body = Graph(name: "body", nodes: [node("inner", ["L"], ["t"])], outputs: [.tensor("t", .float, [])])
        let holder = node("holder", [], ["H"], attributes: [Attribute(name: "then_branch", type: .graph, g: body)])
        let graph = Graph(name: "g", nodes: [holder, node("late", ["X"], ["L"])], inputs: [TestModels.x])
        #expect(body.outerScopeNames() == ["L"])
        #expect(try graph.topologicalOrder() == [1, 0])
    }
}
