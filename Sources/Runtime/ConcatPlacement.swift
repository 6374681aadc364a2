/// Concats whose inputs are written where the Concat would copy them.
///
/// An Inception module ends in a channel Concat of its branches; each branch's last convolution
/// wrote its output, and the Concat copied it again into one tensor (Inception-ResNet-V2 on two
/// threads: 0.6 ms a run with both threads on one die, 3 ms across dies, where every copied line
/// crosses over). With one image, every input of a channel Concat is one contiguous run of its
/// output, so a convolution can write straight into it, and the Concat finds its input already
/// in place.
///
/// The plan only says which inputs may be placed so: those a convolution step produces, that
/// nothing but the Concat reads, and that no caller asked for. Shapes are known once a run with
/// the same input shapes has finished (`Layout`, recorded by `Session.run`); from then on the
/// Concat's output is allocated before its first placed producer runs, each producer gets a view
/// of its part as `ExecutionContext.destination`, and the Concat copies only what is not in
/// place. Any shape that differs from the recorded one falls back to an ordinary output and a
/// copy, so nothing here can change a result.
///
/// A merged convolution (`SiblingMerge`) writes its members' outputs as consecutive channel
/// runs of one stacked result. When a member feeds a Concat as its first input (stacked last,
/// see `SiblingMerge.stackOrder`) or as its last (stacked first), the Concat's output is
/// allocated with room for the other members right before (after) it, and the merged step
/// writes its stacked result there: the member lands in place, the others outside the
/// Concat's part (`Arena`).
struct ConcatPlacement {
    /// A merged step's member that a join places: the member's channels, and those of the
    /// members stacked before and after it.
    struct Stacked {
        var position: Int
        var channelsBefore: Int
        var channelsAfter: Int
    }

    /// One Concat step and the steps that may write into its output.
    struct Join {
        var concatStep: Int
        var inputs: [Int]
        /// Input position → the step producing it (placed inputs only).
        var producers: [Int: Int]
        /// The earliest of those steps: the output exists from there on.
        var firstProducer: Int
        /// The one input produced by a merged step, if placed.
        var stacked: Stacked?
    }

    /// Where a join's buffers lie in one allocation: the Concat's output at `leadBytes`, and
    /// (with a stacked member) the merged step's whole result at `stackedByteOffset`.
    struct Arena {
        var totalBytes: Int
        var leadBytes: Int
        var stackedShape: [Int]?
        var stackedByteOffset = 0
    }

    /// Where each input sits in the Concat's output, from a finished run.
    struct Layout {
        var shape: [Int]
        var inputShapes: [[Int]]
        var byteOffsets: [Int]
        /// The axis (non-negative) and the output's size in bytes.
        var axis: Int
        var byteCount: Int

        /// The layout of a Concat of `inputs` into `output`, where each input is one contiguous
        /// run of the output (every dimension before the axis is 1) and the type is float.
        init?(inputs: [TensorValue], output: TensorValue, axis: Int) {
            guard output.elementType == .float, inputs.allSatisfy({ $0.elementType == .float }) else { return nil }
            let rank = output.rank
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank, output.shape[..<a].allSatisfy({ $0 == 1 }) else { return nil }
            shape = output.shape
            self.axis = a
            byteCount = output.byteCount
            inputShapes = inputs.map(\.shape)
            var offset = 0
            byteOffsets = []
            for v in inputs {
                byteOffsets.append(offset)
                offset += v.byteCount
            }
            guard offset == output.byteCount else { return nil }
        }
    }

    let joins: [Join]
    /// Step index → (join, input position) for every placed producer.
    let placedOutput: [Int: (join: Int, position: Int)]
    /// Step index → the joins whose output is allocated just before it.
    let joinsStartingAt: [Int: [Int]]
    /// Concat step index → its join.
    let joinAtConcat: [Int: Int]

    /// `writesInPlace(step)`: whether a step's kernel writes its output through
    /// `ExecutionContext.result` (convolutions). `kept`: slots the caller receives.
    init(steps: [Step], kept: Set<Int>, writesInPlace: (Step) -> Bool) {
        var readers: [Int: Int] = [:]
        for step in steps { for slot in step.inputs where slot >= 0 { readers[slot, default: 0] += 1 } }
        var producer: [Int: Int] = [:]
        for (i, step) in steps.enumerated() { for slot in step.outputs where slot >= 0 { producer[slot] = i } }
        var joins: [Join] = []
        var stackedSteps = Set<Int>()
        for (i, step) in steps.enumerated() where step.op == "Concat" && step.concatAxis != nil {
            var producers: [Int: Int] = [:]
            var stacked: Stacked?
            for (position, slot) in step.inputs.enumerated() where slot >= 0 {
                guard let p = producer[slot], p < i, readers[slot] == 1, !kept.contains(slot),
                      writesInPlace(steps[p]) else { continue }
                if steps[p].outputs.count == 1 {
                    producers[position] = p
                    continue
                }
                // A merged step: one member per join and per step, at an end of both the
                // stack and the Concat, so the other members fall outside the Concat's output.
                guard stacked == nil, !stackedSteps.contains(p), let counts = steps[p].stackedChannels,
                      counts.count == steps[p].outputs.count, let q = steps[p].outputs.firstIndex(of: slot) else { continue }
                let before = counts[..<q].reduce(0, +), after = counts[(q + 1)...].reduce(0, +)
                guard before == 0 || position == 0, after == 0 || position == step.inputs.count - 1 else { continue }
                producers[position] = p
                stacked = Stacked(position: position, channelsBefore: before, channelsAfter: after)
                stackedSteps.insert(p)
            }
            if let first = producers.values.min() {
                joins.append(Join(concatStep: i, inputs: step.inputs, producers: producers, firstProducer: first, stacked: stacked))
            }
        }
        self.joins = joins
        var placed: [Int: (join: Int, position: Int)] = [:]
        var starting: [Int: [Int]] = [:]
        var atConcat: [Int: Int] = [:]
        for (j, join) in joins.enumerated() {
            for (position, step) in join.producers { placed[step] = (j, position) }
            starting[join.firstProducer, default: []].append(j)
            atConcat[join.concatStep] = j
        }
        placedOutput = placed
        joinsStartingAt = starting
        joinAtConcat = atConcat
    }

    /// The allocation for join `j` with `layout`. A stacked member needs a channel Concat of
    /// one image (rank 4, axis 1, every input `[1, c, h, w]`) and its part at the Concat's
    /// start (members before it) or end (members after it); otherwise the arena has no
    /// `stackedShape` (the merged step writes elsewhere and the Concat copies the member) and
    /// is the Concat's output alone.
    func arena(join j: Int, layout: Layout) -> Arena {
        let plain = Arena(totalBytes: layout.byteCount, leadBytes: 0)
        guard let s = joins[j].stacked, layout.axis == 1, layout.shape.count == 4,
              s.position < layout.inputShapes.count else { return plain }
        let member = layout.inputShapes[s.position]
        guard member.count == 4, member[0] == 1, member[1] > 0 else { return plain }
        let planeBytes = member[2] * member[3] * 4
        let offset = layout.byteOffsets[s.position]
        let memberBytes = member[1] * planeBytes
        let before = s.channelsBefore * planeBytes, after = s.channelsAfter * planeBytes
        guard before == 0 || offset == 0, after == 0 || offset + memberBytes == layout.byteCount else { return plain }
        let lead = max(0, before - offset)
        let tail = max(0, offset + memberBytes + after - layout.byteCount)
        return Arena(totalBytes: lead + layout.byteCount + tail, leadBytes: lead,
                     stackedShape: [1, s.channelsBefore + member[1] + s.channelsAfter, member[2], member[3]],
                     stackedByteOffset: lead + offset - before)
    }

    /// Placed Concat inputs found in place at Concat step `index` (its `args`, its `output`):
    /// all of them, and those that are merged members.
    func inputsInPlace(atStep index: Int, args: [TensorValue?], output: TensorValue) -> (all: Int, stacked: Int) {
        guard let j = joinAtConcat[index] else { return (0, 0) }
        var all = 0, stacked = 0
        for position in joins[j].producers.keys where args[position]?.storage === output.storage {
            all += 1
            if joins[j].stacked?.position == position { stacked += 1 }
        }
        return (all, stacked)
    }

    /// One run's placed Concats: each join's output is allocated when its first producer comes
    /// up, handed to the producers as views, and to the Concat itself.
    struct Run {
        let placement: ConcatPlacement
        /// The layouts recorded by an earlier run with the same input shapes.
        let layouts: [Int: Layout]
        private var outputs: [Int: (output: TensorValue, arena: Arena)] = [:]

        init(_ placement: ConcatPlacement, layouts: [Int: Layout]) {
            self.placement = placement
            self.layouts = layouts
        }

        /// Where step `index` writes its result (`ExecutionContext.destination`), nil for a
        /// fresh output; allocates the outputs of the joins whose first producer it is.
        mutating func destination(forStep index: Int, _ context: ExecutionContext) -> TensorValue? {
            for j in placement.joinsStartingAt[index] ?? [] {
                guard let layout = layouts[j] else { continue }
                let arena = placement.arena(join: j, layout: layout)
                let whole = context.output([arena.totalBytes / 4])
                outputs[j] = (TensorValue(shape: layout.shape, elementType: .float, storage: whole.storage,
                                          byteOffset: whole.byteOffset + arena.leadBytes), arena)
            }
            if let j = placement.joinAtConcat[index] { return outputs.removeValue(forKey: j)?.output }
            guard let (j, position) = placement.placedOutput[index], let (out, arena) = outputs[j], let layout = layouts[j] else {
                return nil
            }
            if placement.joins[j].stacked?.position == position {
                // A merged step: its whole stacked result, the member inside the Concat's part.
                guard let shape = arena.stackedShape else { return nil }
                return TensorValue(shape: shape, elementType: .float, storage: out.storage,
                                   byteOffset: out.byteOffset - arena.leadBytes + arena.stackedByteOffset)
            }
            return TensorValue(shape: layout.inputShapes[position], elementType: .float, storage: out.storage,
                               byteOffset: out.byteOffset + layout.byteOffsets[position])
        }
    }
}
