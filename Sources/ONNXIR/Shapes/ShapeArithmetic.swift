/// Overflow-checked arithmetic on tensor sizes. A hostile model can declare dims near 2^63
/// or pads of 2^40; plain `*` and `+` would trap. Every size the checker and the runtime
/// derive from a model goes through these.
public enum ShapeArithmetic {
    /// A size or offset from a model that does not fit in 64 bits, naming the quantity.
    public struct Overflow: Error, Sendable, Equatable, CustomStringConvertible {
        public var what: String
        public var description: String { "\(what) overflows 64-bit arithmetic" }
    }

    public static func add(_ a: Int, _ b: Int, _ what: String = "a dimension") throws(Overflow) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw Overflow(what: what) }
        return r
    }

    public static func multiply(_ a: Int, _ b: Int, _ what: String = "a dimension") throws(Overflow) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw Overflow(what: what) }
        return r
    }

    /// The element count of `dims` (1 for a scalar); throws on overflow or a negative dim.
    public static func elementCount(_ dims: [Int]) throws(Overflow) -> Int {
        var n = 1
        for d in dims {
            if d < 0 { throw Overflow(what: "shape \(dims) (negative dimension)") }
            n = try multiply(n, d, "the element count of shape \(dims)")
        }
        return n
    }

    /// Bytes of a dense tensor of `dims` with `bitWidth`-bit elements (sub-byte rounded up).
    public static func byteCount(_ dims: [Int], bitWidth: Int) throws(Overflow) -> Int {
        let bits = try multiply(try elementCount(dims), bitWidth, "the byte size of shape \(dims)")
        return bits / 8 + (bits % 8 == 0 ? 0 : 1)
    }
}
