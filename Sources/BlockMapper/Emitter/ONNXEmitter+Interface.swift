import Blocks
import ONNXIR

extension ONNXEmitter {
    /// `network` (recognized from `source`) emitted under `source`'s interface: its first
    /// input's and output's names and exact types, symbolic dimension names included, so the
    /// rebuilt model drops in wherever the original was used.
    /// - Returns: the network as renamed and the emitted model.
    public func emit(_ network: Network, keepingInterfaceOf source: Model) throws -> (network: Network, model: Model) {
        var network = network
        let input = source.graph?.runtimeInputs.first
        let output = source.graph?.outputs.first
        if let name = input?.name { network.inputName = name }
        if let name = output?.name { network.outputName = name }
        var model = try emit(network)
        if let input, let type = input.type { model.graph?.inputs[0].type = type }
        if let output, let type = output.type { model.graph?.outputs[0].type = type }
        return (network, model)
    }
}
