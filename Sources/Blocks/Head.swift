/// A classifier head: spatial pooling, flatten, dense, optional softmax.
public struct Head: Sendable, Equatable {
    /// How the head reduces the spatial axes before the classifier.
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
    /// Fully connected layers before the classifier, each followed by a ReLU (AlexNet's and
    /// VGG's "4096×2"); empty for a single-layer classifier.
    public var hidden: [Dense]
    public var dense: Dense
    public var softmax: Bool

    public init(name: String = "head", pooling: Pooling, hidden: [Dense] = [], dense: Dense, softmax: Bool) {
        self.name = name
        self.pooling = pooling
        self.hidden = hidden
        self.dense = dense
        self.softmax = softmax
    }
    public var classes: Int { dense.outputFeatures }
    /// Features entering the first fully connected layer.
    public var inputFeatures: Int { hidden.first?.inputFeatures ?? dense.inputFeatures }
    public var parameterCount: Int { hidden.reduce(dense.parameterCount) { $0 + $1.parameterCount } }
    public var macs: Int { hidden.reduce(dense.inputFeatures * dense.outputFeatures) { $0 + $1.inputFeatures * $1.outputFeatures } }
}
