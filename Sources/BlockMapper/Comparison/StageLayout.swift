import Blocks

/// How a network's body blocks fall into stages — the one rule `blocks`, the SVG diagram,
/// `verify` and `diff` share, so they always count the same stages.
///
/// A stage is a run of blocks of one kind; a residual stage starts at a projection shortcut
/// (where ResNets change width), any other stage where the kind or variant changes.
public struct StageLayout: Sendable, Equatable {
    /// A run of blocks users think of as one stage (numbered, with its kind and block range).
    public struct Stage: Sendable, Equatable {
        /// 1-based, as users count stages.
        public var number: Int
        public var kind: String
        /// The variant of the stage's first block.
        public var variant: String
        /// Positions in the body block list (stem and head excluded).
        public var blockIndices: [Int]
    }

    /// What the rule needs to know of one body block.
    public struct BlockKey: Sendable, Equatable {
        public var kind: String
        public var variant: String
        public var hasProjectionShortcut: Bool
        public init(kind: String, variant: String, hasProjectionShortcut: Bool) {
            self.kind = kind
            self.variant = variant
            self.hasProjectionShortcut = hasProjectionShortcut
        }
    }

    public var stages: [Stage]

    public init(keys: [BlockKey]) {
        var stages: [Stage] = []
        for (index, key) in keys.enumerated() {
            let startsStage: Bool
            if let last = stages.last {
                startsStage = key.kind == "residual"
                    ? last.kind != key.kind || key.hasProjectionShortcut
                    : last.kind != key.kind || keys[index - 1].variant != key.variant
            } else {
                startsStage = true
            }
            if startsStage {
                stages.append(Stage(number: stages.count + 1, kind: key.kind, variant: key.variant, blockIndices: [index]))
            } else {
                stages[stages.count - 1].blockIndices.append(index)
            }
        }
        self.stages = stages
    }

    public init(network: Network) {
        self.init(keys: network.blocks.map { block in
            var projection = false
            if case .residual(let b) = block, case .projection = b.shortcut { projection = true }
            return BlockKey(kind: block.kind, variant: block.variant, hasProjectionShortcut: projection)
        })
    }

    /// From body blocks in the `blocks --json` form (stem and head already removed).
    public init(bodyBlocks: [JSONValue]) {
        self.init(keys: bodyBlocks.map {
            BlockKey(kind: $0["kind"]?.stringValue ?? "", variant: $0["variant"]?.stringValue ?? "",
                     hasProjectionShortcut: $0["shortcut"]?.stringValue == "projection")
        })
    }

    /// The stage holding body block `index`.
    public func stage(ofBlock index: Int) -> Stage? {
        stages.first { $0.blockIndices.contains(index) }
    }
}
