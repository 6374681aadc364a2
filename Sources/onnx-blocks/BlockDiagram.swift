import BlockMapper
import Blocks

/// An SVG block diagram: one box per block in columns of stages, coloured by kind, with the
/// residual connection drawn as an arc beside each residual block.
struct BlockDiagram {
    let recognition: Recognition

    static let colours: [String: String] = [
        "stem": "#cfd8dc", "head": "#cfd8dc", "residual": "#90caf9", "inception": "#a5d6a7",
        "reduction": "#ffcc80", "inception-resnet": "#ce93d8",
    ]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    func render() -> String {
        let network = recognition.network
        struct Box { var title: String; var detail: String; var kind: String; var residual: Bool }
        var boxes: [Box] = [Box(title: "stem", detail: "\(network.stem.variant.rawValue)", kind: "stem", residual: false)]
        let stats = network.statistics()
        for (k, block) in network.blocks.enumerated() {
            let s = stats[k + 1]
            let residual: Bool = { switch block { case .residual, .inceptionResNet: return true; default: return false } }()
            boxes.append(Box(title: block.name, detail: "\(BlockTree.detail(block)) → \(s.output.channels)ch", kind: block.kind, residual: residual))
        }
        if let head = network.head {
            boxes.append(Box(title: "head", detail: "\(head.pooling.vocabularyName) pool → \(head.classes)\(head.softmax ? " softmax" : "")", kind: "head", residual: false))
        }
        let perColumn = 16
        let boxW = 300, boxH = 40, gapY = 16, colGap = 80, margin = 30, titleH = 40
        let columns = (boxes.count + perColumn - 1) / perColumn
        let rows = min(boxes.count, perColumn)
        let width = margin * 2 + columns * boxW + (columns - 1) * colGap
        let height = margin * 2 + titleH + rows * (boxH + gapY)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(margin)" y="\(margin + 10)" font-size="18" font-weight="bold">\(Self.escape(network.family)) — \(network.blocks.count) blocks, \(BlockTree.count(network.parameterCount)) params, coverage \(recognition.assignedCount)/\(recognition.nodeCount)</text>

        """
        func origin(_ k: Int) -> (Int, Int) {
            let col = k / perColumn, row = k % perColumn
            return (margin + col * (boxW + colGap), margin + titleH + row * (boxH + gapY))
        }
        for k in boxes.indices.dropLast() {
            let (x1, y1) = origin(k), (x2, y2) = origin(k + 1)
            if x1 == x2 {
                svg += "<line x1=\"\(x1 + boxW / 2)\" y1=\"\(y1 + boxH)\" x2=\"\(x2 + boxW / 2)\" y2=\"\(y2)\" stroke=\"#555\" stroke-width=\"1.5\"/>\n"
            } else {
                svg += "<path d=\"M\(x1 + boxW / 2) \(y1 + boxH) v\(gapY / 2) h\(boxW / 2 + colGap / 2) V\(y2 - gapY / 2) H\(x2 + boxW / 2) V\(y2)\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>\n"
            }
        }
        for (k, box) in boxes.enumerated() {
            let (x, y) = origin(k)
            let fill = Self.colours[box.kind] ?? "#eeeeee"
            svg += "<g><title>\(Self.escape(box.title)): \(Self.escape(box.detail))</title>"
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"6\" fill=\"\(fill)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(x + 8)\" y=\"\(y + 16)\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(box.title))</text>"
            svg += "<text x=\"\(x + 8)\" y=\"\(y + 32)\" font-size=\"11\">\(Self.escape(String(box.detail.prefix(48))))</text></g>\n"
            if box.residual {
                // The identity / shortcut path: an arc on the right from above the box to the merge below it.
                let rx = x + boxW
                svg += "<path d=\"M\(rx - 20) \(y - 4) C\(rx + 28) \(y - 4), \(rx + 28) \(y + boxH + 4), \(rx - 20) \(y + boxH + 4)\" fill=\"none\" stroke=\"#d32f2f\" stroke-width=\"1.5\"/>"
                svg += "<circle cx=\"\(rx - 20)\" cy=\"\(y + boxH + 4)\" r=\"5\" fill=\"white\" stroke=\"#d32f2f\"/><text x=\"\(rx - 24)\" y=\"\(y + boxH + 8)\" font-size=\"10\" fill=\"#d32f2f\">+</text>\n"
            }
        }
        // Legend.
        var lx = margin
        let ly = height - 14
        for kind in ["stem", "residual", "inception", "reduction", "inception-resnet"] {
            svg += "<rect x=\"\(lx)\" y=\"\(ly - 10)\" width=\"12\" height=\"12\" fill=\"\(Self.colours[kind]!)\" stroke=\"#333\"/><text x=\"\(lx + 16)\" y=\"\(ly)\" font-size=\"11\">\(kind)</text>\n"
            lx += 120
        }
        svg += "</svg>\n"
        return svg
    }
}
