import ONNXIR

/// A graph input a caller must feed: name, element type, declared dims (numbers, symbols or
/// unknown).
public struct InputDescription: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    public var dims: [Dimension]?

    /// The concrete shape for generated inputs: symbols and unknowns become 1 unless
    /// `symbols` binds them; `override` (a full shape) wins.
    public func concreteShape(symbols: [String: Int] = [:], override: [Int]? = nil) -> [Int] {
        if let override { return override }
        return (dims ?? []).map { d in
            switch d.value {
            case .value(let v)?: return Int(v)
            case .param(let s)?: return symbols[s] ?? 1
            case nil: return 1
            }
        }
    }

    /// The declared dims as text (`unk__401x224x224x3`).
    public var dimsDescription: String {
        guard let dims else { return "any" }
        if dims.isEmpty { return "scalar" }
        return dims.map { d -> String in
            switch d.value {
            case .value(let v)?: return String(v)
            case .param(let s)?: return s
            case nil: return "?"
            }
        }.joined(separator: "x")
    }
}
