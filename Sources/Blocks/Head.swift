/// A classifier head: spatial pooling, flatten, dense, optional softmax.
public struct Head: Sendable, Equatable {
    public enum Pooling: Sendable, Equatable {
        /// `GlobalAveragePool` or `ReduceMean` over H and W.
        case globalAverage
        case globalMax
        /// A fixed-window `AveragePool` (Inception-V4's 8×8), then flatten.
        case average(Pool)
        /// No pooling: flatten only.
        case none

        /// The fixtures' `pooling` field: `avg` / `max` (Keras' `pooling=` names).
        public var vocabularyName: String {
            switch self {
            case .globalAverage, .average: return "avg"
            case .globalMax: return "max"
            case .none: return "none"
            }
        }

        public var kindName: String {
            switch self {
            case .globalAverage: return "global-average"
            case .globalMax: return "global-max"
            case .average: return "average"
            case .none: return "none"
            }
        }
    }
    public var name: String
    public var pooling: Pooling
    public var dense: Dense
    public var softmax: Bool

    public init(name: String = "head", pooling: Pooling, dense: Dense, softmax: Bool) {
        self.name = name
        self.pooling = pooling
        self.dense = dense
        self.softmax = softmax
    }
    public var classes: Int { dense.outputFeatures }
    public var parameterCount: Int { dense.parameterCount }
    public var macs: Int { dense.inputFeatures * dense.outputFeatures }
}
