import Blocks
import ONNXIR

/// Graph → `Network`: finds stem, ResNet / Inception / Inception-ResNet blocks and the head
/// from the graph's structure. Renaming nodes and tensors changes only the labels.
public struct BlockRecognizer: Sendable {
    /// Copy weights into the blocks (needed for `forward` and emitting); off for a fast
    /// structure-only pass.
    public var loadWeights: Bool

    public init(loadWeights: Bool = true) {
        self.loadWeights = loadWeights
    }

    public func recognize(_ model: Model) throws -> Recognition {
        guard let graph = model.graph else { throw RecognitionError.noGraph }
        return try recognize(graph)
    }

    public func recognize(_ graph: Graph) throws -> Recognition {
        let view = GraphView(graph)
        var extractor = try OpExtractor(view: view, loadWeights: loadWeights)
        try extractor.run()
        let ops = extractor.ops
        let outputs = Set(graph.outputs.compactMap(\.name).map(extractor.resolve))
        let decomposition = Decomposition(ops: ops, producer: extractor.producerOp, outputs: outputs,
                                          input: extractor.inputName)
        let nodeName: (Int) -> String = { graph.nodes[$0].name.flatMap { $0.isEmpty ? nil : $0 } ?? graph.nodes[$0].displayName }
        var assembler = NetworkAssembler(ops: ops, decomposition: decomposition, namer: BlockNamer(graph),
                                         nodeName: nodeName, opTypeOf: { graph.nodes[$0].opType ?? "" },
                                         shapes: extractor.shapes)
        let network = assembler.assemble(inputName: extractor.inputName, inputLayout: extractor.inputLayout,
                                         inputShape: extractor.inputShape,
                                         outputName: graph.outputs.first?.name ?? "output")
        // Unknown ops inside assembled parts were already rejected; make sure every node is counted once.
        var unassigned = assembler.unassigned
        var seen = Set(unassigned.map(\.name))
        var assignedNames = Set<String>()
        for names in assembler.nodesByBlock.values { assignedNames.formUnion(names) }
        for (k, node) in graph.nodes.enumerated() {
            let name = nodeName(k)
            if !assignedNames.contains(name), !seen.contains(name) {
                unassigned.append(.init(name: name, opType: node.opType ?? "", reason: "not reached by the recognizer"))
                seen.insert(name)
            }
        }
        var mapped = network
        if !unassigned.isEmpty { mapped.entryShapes = assembler.entryShapes }
        return Recognition(network: mapped, nodesByBlock: assembler.nodesByBlock, unassigned: unassigned,
                           nodeCount: graph.nodes.count)
    }
}
