import Kernels

extension Layer {
    /// Runs a chain. A conv directly followed by a ReLU runs as one fused kernel call.
    public static func forward(_ chain: [Layer], _ input: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        var x = input
        var k = 0
        while k < chain.count {
            if case .conv(let c) = chain[k] {
                var fused: Kernels.Activation = .none
                if k + 1 < chain.count, case .activation(let a, _) = chain[k + 1] {
                    fused = a.kernel
                    k += 1
                }
                x = try c.forward(x, activation: fused, threads: threads)
            } else {
                x = try chain[k].forward(x, threads: threads)
            }
            k += 1
        }
        return x
    }

    public func forward(_ x: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        switch self {
        case .conv(let c):
            return try c.forward(x, activation: .none, threads: threads)
        case .batchNorm(let bn):
            guard bn.channels == x.shape.channels else {
                throw ForwardError.shapeMismatch(layer: bn.name, detail: "\(bn.channels) channels, input has \(x.shape.channels)")
            }
            guard [bn.gamma, bn.beta, bn.mean, bn.variance].allSatisfy({ $0.count == bn.channels }) else {
                throw ForwardError.missingWeights(layer: bn.name)
            }
            let (scale, shift) = bn.scaleAndShift
            var out = x
            x.values.withUnsafeBufferPointer { src in
                out.values.withUnsafeMutableBufferPointer { dst in
                    scale.withUnsafeBufferPointer { s in
                        shift.withUnsafeBufferPointer { b in
                            Elementwise.channelAffine(input: src.baseAddress!, output: dst.baseAddress!, batch: x.batch,
                                                      channels: x.shape.channels, spatial: x.shape.height * x.shape.width,
                                                      scale: s.baseAddress!, shift: b.baseAddress!)
                        }
                    }
                }
            }
            return out
        case .activation(let a, _):
            var out = x
            out.values.withUnsafeMutableBufferPointer { a.kernel.apply($0.baseAddress!, count: $0.count) }
            return out
        case .localResponseNorm(let n):
            return n.forward(x)
        case .pool(let p):
            return try p.forward(x, threads: threads)
        case .concat(_, let branches):
            let outs = try branches.map { try Layer.forward($0, x, threads: threads) }
            guard let first = outs.first else { return x }
            guard outs.allSatisfy({ $0.shape.height == first.shape.height && $0.shape.width == first.shape.width }) else {
                throw ForwardError.shapeMismatch(layer: name, detail: "branches of different sizes: \(outs.map(\.shape))")
            }
            let shape = FeatureShape(channels: outs.reduce(0) { $0 + $1.shape.channels }, height: first.shape.height, width: first.shape.width)
            var values: [Float] = []
            values.reserveCapacity(x.batch * shape.elementCount)
            for n in 0..<x.batch {
                for o in outs {
                    let size = o.shape.elementCount
                    values.append(contentsOf: o.values[(n * size)..<((n + 1) * size)])
                }
            }
            return FeatureMap(batch: x.batch, shape: shape, values: values)
        }
    }
}

extension Conv {
    public func forward(_ x: FeatureMap, activation: Kernels.Activation, threads: Int = 1) throws -> FeatureMap {
        guard x.shape.channels == inputChannels else {
            throw ForwardError.shapeMismatch(layer: name, detail: "\(inputChannels) input channels expected, \(x.shape.channels) found")
        }
        guard weights.count == weightCount, bias.map({ $0.count == outputChannels }) ?? true else {
            throw ForwardError.missingWeights(layer: name)
        }
        let shape = Conv2DShape(batch: x.batch, inChannels: inputChannels, inHeight: x.shape.height, inWidth: x.shape.width,
                                outChannels: outputChannels, kernelHeight: kernel.height, kernelWidth: kernel.width,
                                strideHeight: strides.height, strideWidth: strides.width,
                                dilationHeight: dilations.height, dilationWidth: dilations.width,
                                padTop: padding.top, padLeft: padding.left, padBottom: padding.bottom, padRight: padding.right,
                                groups: group)
        guard shape.isValid else { throw ForwardError.shapeMismatch(layer: name, detail: "invalid convolution for input \(x.shape)") }
        let kernel: Conv2D = weights.withUnsafeBufferPointer { w in
            if let bias {
                return bias.withUnsafeBufferPointer { Conv2D(shape: shape, weights: w.baseAddress!, bias: $0.baseAddress!) }
            }
            return Conv2D(shape: shape, weights: w.baseAddress!, bias: nil)
        }
        let outShape = FeatureShape(channels: outputChannels, height: shape.outHeight, width: shape.outWidth)
        var out = FeatureMap(zeros: x.batch, shape: outShape)
        x.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                kernel.run(input: src.baseAddress!, output: dst.baseAddress!, residual: nil, activation: activation, threads: threads)
            }
        }
        return out
    }
}

extension Pool {
    public func forward(_ input: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        var x = input
        if !zeroPadding.isZero { x = Self.zeroPadded(x, zeroPadding) }
        let shape = Pool2DShape(batch: x.batch, channels: x.shape.channels, inHeight: x.shape.height, inWidth: x.shape.width,
                                kernelHeight: window.height, kernelWidth: window.width,
                                strideHeight: strides.height, strideWidth: strides.width,
                                padTop: padding.top, padLeft: padding.left, padBottom: padding.bottom, padRight: padding.right,
                                ceilMode: ceilMode)
        guard shape.isValid else { throw ForwardError.shapeMismatch(layer: name, detail: "invalid pooling for input \(x.shape)") }
        var out = FeatureMap(zeros: x.batch, shape: FeatureShape(channels: x.shape.channels, height: shape.outHeight, width: shape.outWidth))
        x.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                switch kind {
                case .max: Pooling.maxPool2D(shape: shape, input: src.baseAddress!, output: dst.baseAddress!, threads: threads)
                case .average:
                    Pooling.averagePool2D(shape: shape, countIncludePad: countIncludePad, input: src.baseAddress!,
                                          output: dst.baseAddress!, threads: threads)
                }
            }
        }
        return out
    }

    static func zeroPadded(_ x: FeatureMap, _ p: Padding) -> FeatureMap {
        let h = x.shape.height + p.top + p.bottom, w = x.shape.width + p.left + p.right
        var out = FeatureMap(zeros: x.batch, shape: FeatureShape(channels: x.shape.channels, height: h, width: w))
        for plane in 0..<(x.batch * x.shape.channels) {
            for y in 0..<x.shape.height {
                let src = (plane * x.shape.height + y) * x.shape.width
                let dst = (plane * h + y + p.top) * w + p.left
                for i in 0..<x.shape.width { out.values[dst + i] = x.values[src + i] }
            }
        }
        return out
    }
}

extension Activation {
    /// The kernels' form of this activation (fused into a conv's epilogue or applied alone).
    var kernel: Kernels.Activation {
        switch self {
        case .relu: return .relu
        case .relu6: return .clip(min: 0, max: 6)
        }
    }
}
