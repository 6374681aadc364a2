/// Checks that a network's blocks fit together: channels entering each conv and BatchNorm,
/// shapes meeting at every `Add` and concatenation, windows and strides that fit the
/// feature map, and the head's input width. Errors name the block and the layer.
public enum NetworkValidator {
    public static func validate(_ network: Network) throws {
        var shape = try check(chain: network.stem.layers, input: network.inputShape, block: network.stem.name)
        for block in network.blocks {
            shape = try check(block: block, input: shape)
        }
        shape = try check(chain: network.tail, input: shape, block: network.head?.name ?? "tail")
        if let head = network.head {
            var features = shape
            if case .average(let p) = head.pooling { features = try check(chain: [.pool(p)], input: shape, block: head.name) }
            let width: Int
            switch head.pooling {
            case .globalAverage, .globalMax: width = features.channels
            case .average, .none: width = features.elementCount
            }
            var reaching = width
            for dense in head.hidden + [head.dense] {
                if dense.inputFeatures != reaching {
                    throw BuildError.channelMismatch(block: head.name, layer: dense.name, expected: dense.inputFeatures, found: reaching)
                }
                reaching = dense.outputFeatures
            }
        }
    }

    public static func check(block: Block, input: FeatureShape) throws -> FeatureShape {
        switch block {
        case .residual(let b):
            let pre = try check(chain: b.preActivation, input: input, block: b.name)
            let res = try check(chain: b.residual, input: pre, block: b.name)
            let short: FeatureShape
            switch b.shortcut {
            case .identity: short = input
            case .projection(let chain): short = try check(chain: chain, input: b.shortcutFromPreActivation ? pre : input, block: b.name)
            case .pool(let p): short = try check(chain: [.pool(p)], input: input, block: b.name)
            }
            let addName = b.postAddition.isEmpty ? "\(b.name)_out" : "\(b.name)_add"
            guard short == res else { throw BuildError.shapeMismatch(block: b.name, at: addName, left: short, right: res) }
            return try check(chain: b.postAddition, input: res, block: b.name)
        case .inception(let b):
            return try check(chain: b.body, input: input, block: b.name)
        case .reduction(let b):
            return try check(chain: b.body, input: input, block: b.name)
        case .inceptionResNet(let b):
            let out = try check(chain: b.residual, input: input, block: b.name)
            guard out == input else { throw BuildError.shapeMismatch(block: b.name, at: b.name, left: input, right: out) }
            return out
        case .transition(let b):
            return try check(chain: b.layers, input: input, block: b.name)
        case .convStage(let b):
            return try check(chain: b.layers, input: input, block: b.name)
        case .invertedResidual(let b):
            let out = try check(chain: b.layers, input: input, block: b.name)
            if b.hasShortcut, out != input { throw BuildError.shapeMismatch(block: b.name, at: "\(b.name)_add", left: input, right: out) }
            return out
        case .dense(let b):
            return try check(chain: b.body, input: input, block: b.name)
        }
    }

    public static func check(chain: [Layer], input: FeatureShape, block: String) throws -> FeatureShape {
        var shape = input
        for layer in chain {
            switch layer {
            case .conv(let c):
                if c.inputChannels != shape.channels {
                    throw BuildError.channelMismatch(block: block, layer: c.name, expected: c.inputChannels, found: shape.channels)
                }
                if c.group < 1 || c.inputChannels % c.group != 0 || c.outputChannels % c.group != 0 {
                    throw BuildError.invalidSpec(block: block, reason: "conv '\(c.name)': group \(c.group) does not divide its channels")
                }
                if c.kernel.height < 1 || c.kernel.width < 1 || c.strides.height < 1 || c.strides.width < 1 {
                    throw BuildError.invalidSpec(block: block, reason: "conv '\(c.name)': kernel and strides must be positive")
                }
            case .batchNorm(let bn):
                if bn.channels != shape.channels {
                    throw BuildError.channelMismatch(block: block, layer: bn.name, expected: bn.channels, found: shape.channels)
                }
            case .pool(let p):
                if p.window.height < 1 || p.window.width < 1 || p.strides.height < 1 || p.strides.width < 1 {
                    throw BuildError.invalidSpec(block: block, reason: "pool '\(p.name)': window and strides must be positive")
                }
            case .concat(let name, let branches):
                let outs = try branches.map { try check(chain: $0, input: shape, block: block) }
                guard let first = outs.first else { throw BuildError.invalidSpec(block: block, reason: "concatenation '\(name)' has no branches") }
                for o in outs.dropFirst() where o.height != first.height || o.width != first.width {
                    throw BuildError.shapeMismatch(block: block, at: name, left: first, right: o)
                }
            case .activation, .localResponseNorm: break
            }
            if let problem = layer.windowProblem(for: shape) {
                throw BuildError.doesNotFit(block: block, layer: layer.name, input: shape, reason: problem)
            }
            let out = layer.outputShape(for: shape)
            guard out.height >= 1, out.width >= 1 else {
                throw BuildError.doesNotFit(block: block, layer: layer.name, input: shape,
                                            reason: "output would be \(out.height)x\(out.width)")
            }
            shape = out
        }
        return shape
    }
}
