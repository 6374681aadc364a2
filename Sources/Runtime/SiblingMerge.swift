import ONNXIR

/// Sibling pointwise convolutions become one.
///
/// Inception modules start several branches with a 1×1 convolution of the same tensor
/// (Inception-ResNet-A: three 320→32; -B: 1088→192 and 1088→128). Run separately, each packs
/// the shared input again, and 32 output channels fill 6-row micro-kernel panels only 89% of
/// the way. Stacked into one convolution (320→96) the input is packed once and the panels are
/// full; the result is then split back into the original output tensors (for one image views
/// of the stacked output, each member's channels being contiguous there; for a batch copies). Merged: fused convolutions with constant weights,
/// kernel 1×1, stride 1, no padding, one group, no residual and the same activation.
enum SiblingMerge {
    static func merge(_ items: [PlanItem]) -> [PlanItem] {
        let concatEnds = concatEnds(items)
        var byInput: [String: [Int]] = [:]
        for (k, item) in items.enumerated() {
            if case .fusedConvolution(let f) = item, f.isPlainPointwise { byInput[f.input, default: []].append(k) }
        }
        var replaced: [Int: PlanItem] = [:]
        var removed = Set<Int>()
        for (_, positions) in byInput where positions.count > 1 {
            // Siblings with the same activation merge; the merged step takes the first one's place
            // (its input is ready there, and the others' outputs are only needed later).
            var groups: [[FusedConvolution]] = []
            var groupPositions: [[Int]] = []
            for k in positions {
                guard case .fusedConvolution(let f) = items[k] else { continue }
                if let g = groups.firstIndex(where: { $0[0].convolution.activation == f.convolution.activation }) {
                    groups[g].append(f)
                    groupPositions[g].append(k)
                } else {
                    groups.append([f])
                    groupPositions.append([k])
                }
            }
            for (members, at) in zip(groups, groupPositions) where members.count > 1 {
                replaced[at[0]] = .mergedConvolution(MergedConvolution(stackOrder(members, concatEnds: concatEnds)))
                removed.formUnion(at.dropFirst())
            }
        }
        return items.enumerated().compactMap { k, item in
            removed.contains(k) ? nil : (replaced[k] ?? item)
        }
    }

    /// Where a tensor sits in the one Concat that is its only reader: first or last input.
    enum ConcatEnd { case first, last }

    /// Tensors read once, by a Concat, as its first or last input.
    static func concatEnds(_ items: [PlanItem]) -> [String: ConcatEnd] {
        let readers = PlanItem.readerCounts(items)
        var ends: [String: ConcatEnd] = [:]
        for item in items {
            guard case .node(let c) = item, c.attributes.op == "Concat", c.node.inputs.count > 1 else { continue }
            if let first = c.node.inputs.first { ends[first] = .first }
            if let last = c.node.inputs.last { ends[last] = .last }
        }
        return ends.filter { readers[$0.key] == 1 }
    }

    /// The members in stacking order: one that only feeds a Concat as its first input goes
    /// last, one that feeds it as its last input goes first. The stacked output can then lie
    /// right before (after) the Concat's output with that member's channels inside it, and
    /// `ConcatPlacement` lets the merged convolution write there: Inception-ResNet's branch 0
    /// (a 1×1 merged with the other branches' 1×1 reductions) was copied into every block's
    /// Concat.
    static func stackOrder(_ members: [FusedConvolution], concatEnds: [String: ConcatEnd]) -> [FusedConvolution] {
        func rank(_ f: FusedConvolution) -> Int {
            switch concatEnds[f.output] {
            case .last?: return 0
            case nil: return 1
            case .first?: return 2
            }
        }
        // Stable: members of one rank keep their order.
        return members.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}

/// Several pointwise convolutions of one input run as one (see `SiblingMerge`).
struct MergedConvolution {
    var name: String
    var op: String
    var input: String
    var outputs: [String]
    /// Output channels of each original convolution, in `outputs` order.
    var channelCounts: [Int]
    var convolution: Convolution
    /// The fused steps merged here (their first nodes' names).
    var memberNames: [String]

    init(_ members: [FusedConvolution]) {
        name = members.map(\.name).joined(separator: " + ")
        memberNames = members.map(\.name)
        op = "Merged(" + members.map { $0.ops.joined(separator: "+") }.joined(separator: ", ") + ")"
        input = members[0].input
        outputs = members.map(\.output)
        let convolutions = members.map(\.convolution)
        channelCounts = convolutions.map { $0.weights.shape[0] }
        let inputChannels = convolutions[0].weights.shape[1]
        let total = channelCounts.reduce(0, +)
        let weights = TensorValue(shape: [total, inputChannels, 1, 1], elementType: .float)
        var bias: [Float] = []
        var offset = 0
        for c in convolutions {
            let count = c.weights.count
            (weights.floats + offset).update(from: c.weights.floats, count: count)
            offset += count
            bias += c.bias ?? Array(repeating: 0, count: c.weights.shape[0])
        }
        convolution = Convolution(pointwise: weights, bias: bias, activation: convolutions[0].activation)
    }

    func kernel() -> Kernel {
        let conv = convolution
        let counts = channelCounts
        // The shape, not `conv.weights`: once packed, the convolution drops its own copy of the
        // weights, and reading them would rebuild and keep that copy again on every later run.
        let weightShape = conv.weightShape
        return { inputs, c in
            let x = inputs[0]!
            guard x.rank == 4, x.shape[1] == weightShape[1] else {
                throw KernelError("input \(x.shape) does not fit the merged weights \(weightShape)")
            }
            let stacked = try conv.run(x, residual: nil, c)
            let batch = stacked.shape[0], plane = stacked.shape[2] * stacked.shape[3], total = stacked.shape[1]
            var results: [TensorValue] = []
            var first = 0
            if batch == 1 {
                // One image: each member's channels are one contiguous run of the stacked output,
                // so the outputs are views of it (no copy; the buffer lives while any view does).
                for count in counts {
                    results.append(TensorValue(shape: [1, count] + stacked.shape[2...], elementType: .float,
                                               storage: stacked.storage, byteOffset: stacked.byteOffset + first * plane * 4))
                    first += count
                }
                return results
            }
            for count in counts {
                let out = c.output([batch, count] + stacked.shape[2...])
                for n in 0..<batch {
                    (out.floats + n * count * plane).update(from: stacked.floats + (n * total + first) * plane, count: count * plane)
                }
                results.append(out)
                first += count
            }
            return results
        }
    }
}
