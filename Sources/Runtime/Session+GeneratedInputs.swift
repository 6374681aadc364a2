import Kernels
import ONNXIR

extension Session {
    /// `given` completed with seeded random tensors for the inputs it lacks, so a run or a
    /// comparison needs no data files and repeats exactly for one seed. Floats are uniform in
    /// [-1, 1), integers in 0..<10, bools half true. Symbolic dims are bound from the given
    /// inputs first; a symbol nothing binds is 1 unless `shapes` gives the input's full shape.
    /// Each generated input is checked against the memory budget before it is allocated.
    /// - Returns: the feeds and the names of the generated inputs, in graph order.
    public func completingFeeds(_ given: [String: TensorValue], shapes: [String: [Int]] = [:], seed: UInt64) throws
        -> (feeds: [String: TensorValue], generated: [String]) {
        var feeds = given
        var symbols: [String: Int] = [:]
        for input in inputs {
            guard let v = feeds[input.name], let dims = input.dims, dims.count == v.rank else { continue }
            for (d, size) in zip(dims, v.shape) { if case .param(let s)? = d.value { symbols[s] = size } }
        }
        var generator = SeededGenerator(seed: seed)
        var generated: [String] = []
        for input in inputs where feeds[input.name] == nil {
            generated.append(input.name)
            let shape = input.concreteShape(symbols: symbols, override: shapes[input.name])
            if let dims = input.dims, dims.count == shape.count {
                for (d, size) in zip(dims, shape) { if case .param(let s)? = d.value, symbols[s] == nil { symbols[s] = size } }
            }
            try checkInputAllocation(name: input.name, shape: shape, elementType: input.elementType)
            feeds[input.name] = TensorValue.random(shape: shape, elementType: input.elementType, using: &generator)
        }
        return (feeds, generated)
    }
}

extension TensorValue {
    /// A tensor of seeded random values: floats uniform in [-1, 1), integers in 0..<10,
    /// bools half true.
    static func random(shape: [Int], elementType: ElementType, using g: inout SeededGenerator) -> TensorValue {
        let value = TensorValue(shape: shape, elementType: elementType)
        for i in 0..<value.count {
            let u = g.unit()
            switch elementType {
            case .float: value.floats[i] = u * 2 - 1
            case .int32: value.int32s[i] = Int32(u * 10)
            case .int64: value.int64s[i] = Int64(u * 10)
            default: value.bools[i] = u < 0.5 ? 0 : 1
            }
        }
        return value
    }
}
