/// A node's input values by position, read through checks instead of force-unwraps.
///
/// The harness refuses empty names in required positions before anything runs, so a
/// required input found absent here is a bug upstream; it still becomes a typed error
/// (rethrown with the node's name), never a trap.
struct KernelInputs {
    let values: [TensorValue?]

    init(_ values: [TensorValue?]) { self.values = values }

    var count: Int { values.count }

    /// Input `k`, which must be present.
    subscript(_ k: Int) -> TensorValue {
        get throws {
            guard k < values.count, let v = values[k] else { throw KernelError("required input \(k) is missing") }
            return v
        }
    }

    /// Input `k`, or nil when omitted (empty name or past the end).
    func optional(_ k: Int) -> TensorValue? { k < values.count ? values[k] : nil }

    /// Every input (variadic operators, all required).
    func all() throws -> [TensorValue] { try values.indices.map { try self[$0] } }

    /// The integer elements of optional input `k` (shapes, axes, pads).
    func integers(_ k: Int) -> [Int]? { optional(k).map { $0.integerArray().map { Int($0) } } }

    /// The integer elements of required input `k`.
    func requiredIntegers(_ k: Int) throws -> [Int] { try self[k].integerArray().map { Int($0) } }
}
