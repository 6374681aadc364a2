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
        var rows: [[String]] = []   // indent+name, description, output, params, MACs
        func add(_ name: String, _ description: String, _ s: Network.BlockStatistics) {
            rows.append([name, description, "\(s.output.channels)×\(s.output.height)×\(s.output.width)",
                         Self.count(s.parameters), Self.count(s.macs)])
        }
        var stageHeaders: [Int: String] = [:]
        add("stem", "\(network.stem.variant.rawValue) stem", stats[0])
        let layout = StageLayout(network: network)
        for (k, block) in network.blocks.enumerated() {
            if let stage = layout.stage(ofBlock: k), stage.blockIndices.first == k {
                stageHeaders[rows.count] = "  stage \(stage.number)"
            }
            add("    " + block.name, block.summary, stats[k + 1])
        }
        if let head = network.head, let s = stats.last {
            add("head", head.summary, s)
        }
        let header = ["block", "kind", "output C×H×W", "params", "MACs"]
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                i >= 2 ? String(repeating: " ", count: widths[i] - c.count) + c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let input = network.inputShape
        var lines = ["\(network.family): input '\(network.inputName)' \(input.channels)×\(input.height)×\(input.width) (\(network.inputLayout.rawValue.uppercased())), \(StructureDocument.countPhrase(bodyBlocks: network.blocks.count, hasHead: network.head != nil)), \(Self.count(network.parameterCount)) params, \(Self.count(stats.reduce(0) { $0 + $1.macs })) MACs"]
        lines.append(line(header))
        for (k, r) in rows.enumerated() {
            if let h = stageHeaders[k] { lines.append(h) }
            lines.append(line(r))
        }
        lines.append("coverage: \(recognition.assignedCount)/\(recognition.nodeCount) nodes in blocks")
        for u in recognition.unassigned.prefix(20) { lines.append("  unassigned \(u.name) (\(u.opType)): \(u.reason)") }
        if recognition.unassigned.count > 20 { lines.append("  … \(recognition.unassigned.count - 20) more") }
        return lines.joined(separator: "\n")
    }
}
