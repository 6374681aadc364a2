import ONNXIR

/// Visits every dense tensor a model holds, in subgraphs and functions too: initializers,
/// sparse initializers' parts, and tensor attributes. External data can hide in any of them.
extension Model {
    mutating func updateAllTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        if graph != nil { try graph!.updateAllTensors(body) }
        for k in functions.indices {
            for n in functions[k].nodes.indices { try functions[k].nodes[n].updateAllTensors(body) }
            for a in functions[k].attributeProtos.indices { try functions[k].attributeProtos[a].updateAllTensors(body) }
        }
        for k in trainingInfo.indices {
            if trainingInfo[k].initialization != nil { try trainingInfo[k].initialization!.updateAllTensors(body) }
            if trainingInfo[k].algorithm != nil { try trainingInfo[k].algorithm!.updateAllTensors(body) }
        }
    }
}

extension Graph {
    mutating func updateAllTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        for k in initializers.indices { try body(&initializers[k]) }
        for k in sparseInitializers.indices { try sparseInitializers[k].updateAllTensors(body) }
        for k in nodes.indices { try nodes[k].updateAllTensors(body) }
    }
}

extension Node {
    mutating func updateAllTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        for k in attributes.indices { try attributes[k].updateAllTensors(body) }
    }
}

extension Attribute {
    mutating func updateAllTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        if t != nil { try body(&t!) }
        for k in tensors.indices { try body(&tensors[k]) }
        if sparseTensor != nil { try sparseTensor!.updateAllTensors(body) }
        for k in sparseTensors.indices { try sparseTensors[k].updateAllTensors(body) }
        if g != nil { try g!.updateAllTensors(body) }
        for k in graphs.indices { try graphs[k].updateAllTensors(body) }
    }
}

extension SparseTensor {
    mutating func updateAllTensors(_ body: (inout Tensor) throws -> Void) rethrows {
        if values != nil { try body(&values!) }
        if indices != nil { try body(&indices!) }
    }
}
