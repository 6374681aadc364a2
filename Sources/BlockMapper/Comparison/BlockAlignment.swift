import Blocks

/// Pairs the blocks of two `blocks --json` documents by structure, not by position or name:
/// stem with stem, head with head, stages with stages (a longest common subsequence over
/// their kinds), then within each pair of stages a longest common subsequence of blocks that
/// match. Between matches, blocks of the same kind and variant pair up as "changed"; the rest
/// are added or removed. ResNet-50 against ResNet-101 so comes out as exactly the 17 blocks
/// added to stage 3.
public struct BlockAlignment: Sendable {
    /// Where a block sits: `stem`, `head`, or stage and 1-based position.
    public struct Place: Sendable, Equatable, CustomStringConvertible {
        public var stage: Int?
        public var position: Int
        public var section: String
        public var description: String {
            if let stage { return "stage \(stage) block \(position)" }
            return section
        }
    }

    /// One block of a document (its JSON) and where it stands, so reports can name it.
    public struct Entry: Sendable, Equatable {
        public var block: JSONValue
        public var place: Place
        public var name: String { block["name"]?.stringValue ?? place.description }
        public var kindLabel: String { "\(block["kind"]?.stringValue ?? "?")/\(block["variant"]?.stringValue ?? "?")" }
    }

    /// One step of the alignment: a block matched in both documents, or found in one only.
    public enum Pair: Sendable, Equatable {
        /// In both (`differences` empty when they match).
        case both(Entry, Entry, differences: [FieldDifference])
        /// Only in the first document (the spec, or model A).
        case onlyFirst(Entry)
        /// Only in the second document (the model, or model B).
        case onlySecond(Entry)
    }

    public var pairs: [Pair]

    /// - Parameters:
    ///   - first: the spec (verify) or model A (diff), a `blocks` array.
    ///   - second: the model (verify) or model B (diff).
    public init(first: [JSONValue], second: [JSONValue], comparison: FieldComparison) {
        // A spec that leaves out kinds or residual shortcuts cannot be cut into stages; then
        // neither side is, and the body aligns as one run.
        let staged = Sections.canStage(first) && Sections.canStage(second)
        let a = Sections(first, staged: staged), b = Sections(second, staged: staged)
        var pairs: [Pair] = []
        func compare(_ x: Entry, _ y: Entry) -> Pair { .both(x, y, differences: comparison.differences(x.block, y.block)) }
        switch (a.stem, b.stem) {
        case let (x?, y?): pairs.append(compare(x, y))
        case let (x?, nil): pairs.append(.onlyFirst(x))
        case let (nil, y?): pairs.append(.onlySecond(y))
        default: break
        }
        let stagePairs = Self.align(a.stages, b.stages, matches: { $0.key == $1.key }, pairable: { $0.kind == $1.kind })
        for step in stagePairs {
            switch step {
            case let .pair(x, y):
                let steps = Self.align(x.entries, y.entries,
                                       matches: { comparison.differences($0.block, $1.block).isEmpty },
                                       pairable: { Self.sameKind($0.block, $1.block) })
                for s in steps {
                    switch s {
                    case let .pair(p, q): pairs.append(compare(p, q))
                    case let .first(p): pairs.append(.onlyFirst(p))
                    case let .second(q): pairs.append(.onlySecond(q))
                    }
                }
            case let .first(x): pairs += x.entries.map(Pair.onlyFirst)
            case let .second(y): pairs += y.entries.map(Pair.onlySecond)
            }
        }
        switch (a.head, b.head) {
        case let (x?, y?): pairs.append(compare(x, y))
        case let (x?, nil): pairs.append(.onlyFirst(x))
        case let (nil, y?): pairs.append(.onlySecond(y))
        default: break
        }
        self.pairs = pairs
    }

    /// Same kind and variant, a field the spec leaves out matching any.
    static func sameKind(_ spec: JSONValue, _ model: JSONValue) -> Bool {
        ["kind", "variant"].allSatisfy { spec[$0] == nil || spec[$0] == model[$0] }
    }

    /// A document's blocks cut into stem, stages and head.
    struct Sections {
        struct Stage {
            var key: String
            var kind: String
            var entries: [Entry]
        }
        var stem: Entry?
        var stages: [Stage] = []
        var head: Entry?

        static func canStage(_ blocks: [JSONValue]) -> Bool {
            !blocks.contains { $0["kind"] == nil || ($0["kind"]?.stringValue == "residual" && $0["shortcut"] == nil) }
        }

        init(_ blocks: [JSONValue], staged: Bool) {
            var body: [JSONValue] = []
            for block in blocks {
                switch block["kind"]?.stringValue {
                case "stem" where stem == nil && body.isEmpty:
                    stem = Entry(block: block, place: Place(stage: nil, position: 1, section: "stem"))
                case "head":
                    head = Entry(block: block, place: Place(stage: nil, position: 1, section: "head"))
                default: body.append(block)
                }
            }
            let layout = staged ? StageLayout(bodyBlocks: body)
                : StageLayout(keys: body.map { _ in StageLayout.BlockKey(kind: "blocks", variant: "", hasProjectionShortcut: false) })
            stages = layout.stages.map { stage in
                Stage(key: stage.kind == "residual" ? "residual/\(stage.variant)" : "\(stage.kind)/\(stage.variant)",
                      kind: stage.kind,
                      entries: stage.blockIndices.enumerated().map { k, index in
                          Entry(block: body[index], place: Place(stage: stage.number, position: k + 1, section: "stage"))
                      })
            }
        }
    }

    enum Step<T> {
        case pair(T, T)
        case first(T)
        case second(T)
    }

    /// Longest common subsequence under `matches`, earliest matches first; in the gaps
    /// between matches, `pairable` items pair up in order and the rest stand alone.
    static func align<T>(_ x: [T], _ y: [T], matches: (T, T) -> Bool, pairable: (T, T) -> Bool) -> [Step<T>] {
        let n = x.count, m = y.count
        var equal = [[Bool]](repeating: [Bool](repeating: false, count: m), count: n)
        for i in 0..<n { for j in 0..<m { equal[i][j] = matches(x[i], y[j]) } }
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = equal[i][j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var steps: [Step<T>] = []
        var gapX: [T] = [], gapY: [T] = []
        func flushGap() {
            var used = [Bool](repeating: false, count: gapY.count)
            var pending: [Step<T>] = []
            for item in gapX {
                if let j = gapY.indices.first(where: { !used[$0] && pairable(item, gapY[$0]) }) {
                    // Items of the second list skipped before this pairing stand alone first.
                    for k in 0..<j where !used[k] { used[k] = true; pending.append(.second(gapY[k])) }
                    used[j] = true
                    pending.append(.pair(item, gapY[j]))
                } else {
                    pending.append(.first(item))
                }
            }
            for k in gapY.indices where !used[k] { pending.append(.second(gapY[k])) }
            steps += pending
            gapX = []; gapY = []
        }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, equal[i][j], lcs[i][j] == lcs[i + 1][j + 1] + 1 {
                flushGap()
                steps.append(.pair(x[i], y[j]))
                i += 1; j += 1
            } else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] {
                gapY.append(y[j]); j += 1
            } else {
                gapX.append(x[i]); i += 1
            }
        }
        flushGap()
        return steps
    }
}
