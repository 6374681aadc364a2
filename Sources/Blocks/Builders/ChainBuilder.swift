import Kernels

/// Builds a chain of layers while tracking the feature shape, so padding can be computed the
/// way TensorFlow's `"same"` does and a stride that does not fit is caught where it happens.
public struct ChainBuilder {
    /// How a conv or pool is padded.
    public enum PaddingMode {
        /// TensorFlow `"same"`: output = ceil(input / stride); the odd cell goes after.
        case same
        case valid
        case explicit(Padding)
    }

    /// How an anonymous or named conv unit (conv + BN + ReLU) is spelled.
    public enum UnitStyle {
        /// Keras InceptionV3 `conv2d_bn`: `{name}_conv`, `{name}_bn`, `{name}`; conv without
        /// bias, BN without scale.
        case inceptionV3
        /// Keras InceptionResNetV2 `conv2d_bn`: `{name}`, `{name}_bn`, `{name}_ac`.
        case inceptionResNet
    }

    public let block: String
    public let namer: KerasNamer
    public var shape: FeatureShape
    public var layers: [Layer] = []
    public var unitStyle: UnitStyle = .inceptionResNet
    /// Inception BN epsilon (Keras' default); ResNets pass their own.
    public var unitEpsilon: Float = 1e-3

    public init(block: String, input: FeatureShape, namer: KerasNamer, unitStyle: UnitStyle = .inceptionResNet) {
        self.block = block
        self.shape = input
        self.namer = namer
        self.unitStyle = unitStyle
    }

    /// A new chain starting from this chain's current output.
    public func branch() -> ChainBuilder {
        var b = ChainBuilder(block: block, input: shape, namer: namer, unitStyle: unitStyle)
        b.unitEpsilon = unitEpsilon
        return b
    }

    static func samePadding(input: Int, kernel: Int, stride: Int) -> (Int, Int) {
        WindowArithmetic.samePadding(input: input, kernel: kernel, stride: stride)
    }

    func resolve(_ mode: PaddingMode, kernel: Size2, stride: Int) -> Padding {
        switch mode {
        case .valid: return .zero
        case .explicit(let p): return p
        case .same:
            let (t, b) = Self.samePadding(input: shape.height, kernel: kernel.height, stride: stride)
            let (l, r) = Self.samePadding(input: shape.width, kernel: kernel.width, stride: stride)
            return Padding(top: t, left: l, bottom: b, right: r)
        }
    }

    private mutating func append(_ layer: Layer) throws {
        if let problem = layer.windowProblem(for: shape) {
            throw BuildError.doesNotFit(block: block, layer: layer.name, input: shape, reason: problem)
        }
        let out = layer.outputShape(for: shape)
        guard out.height >= 1, out.width >= 1 else {
            throw BuildError.doesNotFit(block: block, layer: layer.name, input: shape,
                                        reason: "output would be \(out.height)x\(out.width)")
        }
        layers.append(layer)
        shape = out
    }

    public mutating func conv(_ filters: Int, _ kernel: Size2, stride: Int = 1, padding: PaddingMode = .same,
                              groups: Int = 1, bias: Bool, name: String) throws {
        let pads = resolve(padding, kernel: kernel, stride: stride)
        guard groups >= 1, shape.channels % groups == 0, filters % groups == 0 else {
            throw BuildError.invalidSpec(block: block, reason: "conv '\(name)': \(groups) groups do not divide \(shape.channels) → \(filters) channels")
        }
        try append(.conv(Conv(name: name, inputChannels: shape.channels, outputChannels: filters, kernel: kernel,
                              strides: Size2(stride), padding: pads, group: groups, bias: bias ? [] : nil)))
    }

    /// A depthwise conv: one filter per channel.
    public mutating func depthwise(_ kernel: Size2, stride: Int = 1, padding: PaddingMode = .same, bias: Bool, name: String) throws {
        try conv(shape.channels, kernel, stride: stride, padding: padding, groups: shape.channels, bias: bias, name: name)
    }

    public mutating func relu6(name: String) throws {
        try append(.activation(.relu6, name: name))
    }

    public mutating func localResponseNorm(size: Int, alpha: Float, beta: Float, bias: Float, name: String) throws {
        try append(.localResponseNorm(LocalResponseNorm(name: name, size: size, alpha: alpha, beta: beta, bias: bias)))
    }

    public mutating func batchNorm(name: String, epsilon: Float, scale: Bool = true) throws {
        try append(.batchNorm(BatchNorm(name: name, channels: shape.channels, epsilon: epsilon, hasScale: scale)))
    }

    public mutating func relu(name: String) throws {
        try append(.activation(.relu, name: name))
    }

    public mutating func pool(_ kind: Pool.Kind, _ window: Int, stride: Int, padding: PaddingMode,
                              zeroPadding: Padding = .zero, ceilMode: Bool = false, name: String? = nil) throws {
        let pads = resolve(padding, kernel: Size2(window), stride: stride)
        let base = kind == .max ? "max_pooling2d" : "average_pooling2d"
        try append(.pool(Pool(name: name ?? namer.next(base), kind: kind, window: Size2(window),
                              strides: Size2(stride), padding: pads, zeroPadding: zeroPadding, ceilMode: ceilMode)))
    }

    /// A conv unit: conv (no bias) + BN (no scale) + ReLU, named in the chain's unit style.
    public mutating func unit(_ filters: Int, _ kernel: Size2, stride: Int = 1, padding: PaddingMode = .same,
                              name: String? = nil) throws {
        let names: (conv: String, bn: String, act: String)
        switch (unitStyle, name) {
        case (.inceptionV3, let n?): names = ("\(n)_conv", "\(n)_bn", n)
        case (.inceptionResNet, let n?): names = (n, "\(n)_bn", "\(n)_ac")
        case (_, nil): names = (namer.next("conv2d"), namer.next("batch_normalization"), namer.next("activation"))
        }
        try conv(filters, kernel, stride: stride, padding: padding, bias: false, name: names.conv)
        try batchNorm(name: names.bn, epsilon: unitEpsilon, scale: false)
        try relu(name: names.act)
    }

    public mutating func unit(_ filters: Int, _ k: Int, stride: Int = 1, padding: PaddingMode = .same,
                              name: String? = nil) throws {
        try unit(filters, Size2(k), stride: stride, padding: padding, name: name)
    }

    /// Concatenates branches that all started from this chain's output.
    public mutating func concat(name: String, _ branches: [ChainBuilder]) throws {
        guard let first = branches.first else {
            throw BuildError.invalidSpec(block: block, reason: "concatenation '\(name)' has no branches")
        }
        for b in branches.dropFirst() where b.shape.height != first.shape.height || b.shape.width != first.shape.width {
            throw BuildError.shapeMismatch(block: block, at: name, left: first.shape, right: b.shape)
        }
        layers.append(.concat(name: name, branches: branches.map(\.layers)))
        shape = FeatureShape(channels: branches.reduce(0) { $0 + $1.shape.channels },
                             height: first.shape.height, width: first.shape.width)
    }
}
