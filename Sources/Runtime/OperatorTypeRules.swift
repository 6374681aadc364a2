import ONNXIR

/// Common type rules.
enum TypeRules {
    static let float: Set<ElementType> = [.float]
    static let numeric: Set<ElementType> = [.float, .int32, .int64]
    static let all: Set<ElementType> = [.float, .int32, .int64, .bool]
    static let indices: Set<ElementType> = [.int32, .int64]

    /// Inputs `checked` (when present) share input 0's type, drawn from `allowed`;
    /// every output has that type too.
    static func same(_ allowed: Set<ElementType>, checked: [Int]? = nil, outputs: Int = 1) -> TypeRule {
        return { _, types in
            guard let first = types.first ?? nil, allowed.contains(first) else { throw TypeRuleError.input(0) }
            for k in checked ?? Array(types.indices) where k < types.count {
                if let t = types[k], t != first { throw TypeRuleError.input(k) }
            }
            return Array(repeating: first, count: outputs)
        }
    }

    /// Input `k` (when present) must be one of `allowed`.
    static func require(_ types: [ElementType?], _ k: Int, _ allowed: Set<ElementType>) throws {
        if k < types.count, let t = types[k], !allowed.contains(t) { throw TypeRuleError.input(k) }
    }
}
