import BlockMapper
import Blocks

/// The readable tree `blocks` prints: stem, stages of blocks, head; channels, stride,
/// parameters and MACs per block.
struct BlockTree {
    let recognition: Recognition

    static func count(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.2fG", Double(n) / 1e9) }
        if n >= 1_000_000 { return String(format: "%.2fM", Double(n) / 1e6) }
        if n >= 10_000 { return String(format: "%.1fK", Double(n) / 1e3) }
        return "\(n)"
    }

    func render() -> String {
        let network = recognition.network
        let stats = network.statistics()
        var lines: [String] = []
        let input = network.inputShape
        lines.append("\(network.family)  input \(network.inputName) \(input.height)x\(input.width)x\(input.channels) (\(network.inputLayout.rawValue))  params \(Self.count(network.parameterCount))  MACs \(Self.count(stats.reduce(0) { $0 + $1.macs }))")
        func row(_ indent: String, _ label: String, _ detail: String, _ s: Network.BlockStatistics) -> String {
            let left = "\(indent)\(label)"
            let pad = String(repeating: " ", count: max(1, 44 - left.count))
            return "\(left)\(pad)\(detail.padding(toLength: 44, withPad: " ", startingAt: 0)) → \(s.output.channels)x\(s.output.height)x\(s.output.width)  params \(Self.count(s.parameters))  MACs \(Self.count(s.macs))"
        }
        lines.append(row("", "stem", network.stem.variant.rawValue, stats[0]))
        var stage = 0
        var lastKind = ""
        for (k, block) in network.blocks.enumerated() {
            let s = stats[k + 1]
            let startsStage: Bool
            switch block {
            case .residual(let b):
                if case .projection = b.shortcut { startsStage = true } else { startsStage = k == 0 || lastKind != "residual" }
            default:
                startsStage = "\(block.kind)/\(block.variant)" != lastKind
            }
            if startsStage {
                stage += 1
                lines.append("  stage \(stage)")
            }
            lastKind = { if case .residual = block { return "residual" }; return "\(block.kind)/\(block.variant)" }()
            lines.append(row("    ", block.name, Self.detail(block), s))
        }
        if let head = network.head, let s = stats.last {
            lines.append(row("", "head", "\(head.pooling.vocabularyName) pool, \(head.classes) classes\(head.softmax ? ", softmax" : "")", s))
        }
        lines.append("coverage: \(recognition.assignedCount)/\(recognition.nodeCount) nodes")
        for u in recognition.unassigned.prefix(20) { lines.append("  unassigned \(u.name) (\(u.opType)): \(u.reason)") }
        if recognition.unassigned.count > 20 { lines.append("  … \(recognition.unassigned.count - 20) more") }
        return lines.joined(separator: "\n")
    }

    static func detail(_ block: Block) -> String {
        switch block {
        case .residual(let b):
            return "\(b.variant.rawValue) v\(b.version) \(b.arrangement.rawValue), \(b.shortcut.kindName), stride \(b.stride)"
        case .inception(let b):
            return "inception \(b.variant.rawValue), \(b.branches.count) branches"
        case .reduction(let b):
            var s = "reduction \(b.variant.rawValue)"
            if let f = b.filters { s += " k\(f.k) l\(f.l) m\(f.m) n\(f.n)" }
            return s
        case .inceptionResNet(let b):
            let scale: String
            switch b.scale {
            case .folded: scale = "scale folded"
            case .explicit(let v): scale = "scale \(v)"
            }
            return "inception-resnet-\(b.variant.rawValue) v\(b.version), \(scale)\(b.activation ? ", relu" : "")"
        }
    }
}
