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
struct ConcatPlacement {
    /// One Concat step and the steps that may write into its output.
    struct Join {
        var concatStep: Int
        var inputs: [Int]
        /// Input position → the step producing it (placed inputs only).
        var producers: [Int: Int]
        /// The earliest of those steps: the output exists from there on.
        var firstProducer: Int
    }

    /// Where each input sits in the Concat's output, from a finished run.
    struct Layout {
        var shape: [Int]
        var inputShapes: [[Int]]
        var byteOffsets: [Int]

        /// The layout of a Concat of `inputs` into `output`, where each input is one contiguous
        /// run of the output (every dimension before the axis is 1) and the type is float.
        init?(inputs: [TensorValue], output: TensorValue, axis: Int) {
            guard output.elementType == .float, inputs.allSatisfy({ $0.elementType == .float }) else { return nil }
            let rank = output.rank
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank, output.shape[..<a].allSatisfy({ $0 == 1 }) else { return nil }
            shape = output.shape
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
        for (i, step) in steps.enumerated() where step.op == "Concat" && step.concatAxis != nil {
            var producers: [Int: Int] = [:]
            for (position, slot) in step.inputs.enumerated() where slot >= 0 {
                guard let p = producer[slot], p < i, readers[slot] == 1, !kept.contains(slot),
                      steps[p].outputs.count == 1, writesInPlace(steps[p]) else { continue }
                producers[position] = p
            }
            if let first = producers.values.min() {
                joins.append(Join(concatStep: i, inputs: step.inputs, producers: producers, firstProducer: first))
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
}
