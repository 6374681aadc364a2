import ArgumentParser
import Foundation
import ONNXIR

/// `onnx-blocks inspect MODEL [--json]`: what a model is, at a glance: producer, IR version,
/// opsets, interface with shapes (symbolic dims kept), node count, op histogram, weights.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarize a model: header, inputs and outputs, op histogram, parameters.",
        discussion: """
            --json prints one object: irVersion, producerName, producerVersion, domain, \
            modelVersion, graphName, opsetImports (domain -> version, "" is the default \
            domain), inputs and outputs (name, elementType, shape, type), nodeCount, \
            subgraphNodeCount, opCounts, initializerCount, parameterCount, initializerBytes, \
            externalInitializerCount, functionCount. Initializers listed as graph inputs are \
            not reported as inputs.
            Exit 0 ok, 2 unreadable file or bad arguments.

            Example:
              onnx-blocks inspect model.onnx --json
            """
    )

    @Argument(help: "The .onnx file.") var model: String
    @Flag(help: "Print one JSON object instead of the text summary.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        // Weights are not needed: sizes come from dims and types.
        let loaded = try ModelLoading.read(model, loadExternalData: false, verbose: common.verbose)
        let summary = ModelSummary(model: loaded)
        if json {
            print(summary.json.rendered(indent: 2))
        } else {
            print(summary.text(file: model), terminator: "")
        }
    }
}
