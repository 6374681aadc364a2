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

    /// A short second line for a box (fits 300 px at 11 px type).
    static func compactDetail(_ block: Block, output: FeatureShape) -> String {
        let out = "→ \(output.channels)×\(output.height)×\(output.width)"
        switch block {
        case .residual(let b):
            let arrangement: String = [
                .original: "orig", .bnAfterAddition: "BN after add", .reluBeforeAddition: "ReLU before add",
                .reluOnlyPreactivation: "ReLU-only preact", .fullPreactivation: "full preact",
            ][b.arrangement] ?? b.arrangement.rawValue
            return "\(b.variant.rawValue) v\(b.version) \(arrangement), /\(b.stride) \(out)"
        case .inception(let b): return "inception \(b.variant.rawValue), \(b.branches.count) branches \(out)"
        case .reduction(let b):
            var s = "reduction \(b.variant.rawValue)"
            if let f = b.filters { s += " k\(f.k) l\(f.l) m\(f.m) n\(f.n)" }
            return s + " \(out)"
        case .inceptionResNet(let b):
            let scale: String
            switch b.scale {
            case .folded: scale = "scale folded"
            case .explicit(let v): scale = "scale \(v)"
            }
            return "IR-\(b.variant.rawValue) v\(b.version), \(scale)\(b.activation ? ", ReLU" : "") \(out)"
        case .transition, .convStage, .invertedResidual, .dense: return "\(block.summary) \(out)"
        }
    }

    enum Link { case none, identity, projection, pool }

    func render() -> String {
        let network = recognition.network
        struct Box { var title: String; var detail: String; var kind: String; var link: Link; var column: Int; var row: Int }
        let stats = network.statistics()
        // One column per stage (a run of blocks of one kind; residual stages start at a projection),
        // long stages wrapping after `maxRows`.
        let maxRows = 14
        var boxes: [Box] = []
        var column = 0, row = 0
        func place(_ title: String, _ detail: String, _ kind: String, _ link: Link, newColumn: Bool) {
            if (newColumn && row > 0) || row >= maxRows { column += 1; row = 0 }
            boxes.append(Box(title: title, detail: detail, kind: kind, link: link, column: column, row: row))
            row += 1
        }
        let stemOut = stats[0].output
        place("stem", "\(network.stem.variant.rawValue) stem → \(stemOut.channels)×\(stemOut.height)×\(stemOut.width)", "stem", .none, newColumn: false)
        let layout = StageLayout(network: network)
        for (k, block) in network.blocks.enumerated() {
            var link = Link.none
            switch block {
            case .residual(let b):
                switch b.shortcut {
                case .identity: link = .identity
                case .projection: link = .projection
                case .pool: link = .pool
                }
            case .inceptionResNet: link = .identity
            default: break
            }
            let startsStage = layout.stage(ofBlock: k)?.blockIndices.first == k
            place(block.name, Self.compactDetail(block, output: stats[k + 1].output), block.kind, link, newColumn: startsStage)
        }
        if let head = network.head {
            place("head", "\(head.pooling.vocabularyName) pool → \(head.classes)\(head.softmax ? ", softmax" : "")", "head", .none, newColumn: false)
        }
        let boxW = 300, boxH = 40, gapY = 16, colGap = 70, margin = 30, titleH = 44
        let columns = (boxes.map(\.column).max() ?? 0) + 1
        let rows = (boxes.map(\.row).max() ?? 0) + 1
        let width = margin * 2 + columns * boxW + (columns - 1) * colGap
        let height = margin * 2 + titleH + rows * (boxH + gapY) + 20
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(margin)" y="\(margin + 10)" font-size="18" font-weight="bold">\(Self.escape(network.family.rawValue)) — \(StructureDocument.countPhrase(bodyBlocks: network.blocks.count, hasHead: network.head != nil)), \(BlockTree.count(network.parameterCount)) params, coverage \(recognition.assignedCount)/\(recognition.nodeCount) nodes</text>

        """
        func origin(_ b: Box) -> (Int, Int) {
            (margin + b.column * (boxW + colGap), margin + titleH + b.row * (boxH + gapY))
        }
        for k in boxes.indices.dropLast() {
            let (x1, y1) = origin(boxes[k]), (x2, y2) = origin(boxes[k + 1])
            if x1 == x2 {
                svg += "<line x1=\"\(x1 + boxW / 2)\" y1=\"\(y1 + boxH)\" x2=\"\(x2 + boxW / 2)\" y2=\"\(y2)\" stroke=\"#555\" stroke-width=\"1.5\"/>\n"
            } else {
                // To the top of the next column.
                svg += "<path d=\"M\(x1 + boxW / 2) \(y1 + boxH) v\(gapY / 2) H\(x1 + boxW + colGap / 2) V\(y2 - gapY / 2) H\(x2 + boxW / 2) V\(y2)\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"/>\n"
            }
        }
        for box in boxes {
            let (x, y) = origin(box)
            let fill = Self.colours[box.kind] ?? "#eeeeee"
            svg += "<g><title>\(Self.escape(box.title)): \(Self.escape(box.detail))</title>"
            svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"6\" fill=\"\(fill)\" stroke=\"#333\"/>"
            svg += "<text x=\"\(x + 8)\" y=\"\(y + 16)\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(box.title))</text>"
            svg += "<text x=\"\(x + 8)\" y=\"\(y + 32)\" font-size=\"11\">\(Self.escape(box.detail))</text></g>\n"
            if box.link != .none {
                // The shortcut: an arc on the right from the block's input to the addition at its output.
                let rx = x + boxW
                let dash = box.link == .identity ? "" : " stroke-dasharray=\"4 3\""
                svg += "<path d=\"M\(rx - 20) \(y - 4) C\(rx + 30) \(y - 4), \(rx + 30) \(y + boxH + 4), \(rx - 20) \(y + boxH + 4)\" fill=\"none\" stroke=\"#d32f2f\" stroke-width=\"1.5\"\(dash)/>"
                if box.link != .identity {
                    svg += "<text x=\"\(rx + 8)\" y=\"\(y + boxH / 2 + 4)\" font-size=\"9\" fill=\"#d32f2f\">\(box.link == .projection ? "1×1" : "pool")</text>"
                }
                svg += "<circle cx=\"\(rx - 20)\" cy=\"\(y + boxH + 4)\" r=\"5\" fill=\"white\" stroke=\"#d32f2f\"/><text x=\"\(Double(rx) - 3.5 - 20)\" y=\"\(Double(y + boxH) + 3.5)\" font-size=\"10\" fill=\"#d32f2f\">+</text>\n"
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
