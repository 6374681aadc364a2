/// Names visible while checking one graph, chained to the enclosing graph's scope so that
/// subgraphs (If/Loop/Scan bodies) may use values of the graphs around them.
final class LexicalScope {
    let parent: LexicalScope?
    /// Names defined so far in this graph: inputs, initializers, outputs of checked nodes.
    private(set) var defined: Set<String> = []
    /// Every name some node of this graph produces, with that node's label: tells
    /// "defined by a later node" (order problem) from "never defined".
    var producers: [String: String] = [:]

    init(parent: LexicalScope?) {
        self.parent = parent
    }

    func define(_ name: String) { defined.insert(name) }
    func definesHere(_ name: String) -> Bool { defined.contains(name) }

    /// Visible here or in an enclosing graph.
    func isVisible(_ name: String) -> Bool {
        defined.contains(name) || (parent?.isVisible(name) ?? false)
    }

    /// Visible in an enclosing graph (not this one).
    func isVisibleOutside(_ name: String) -> Bool {
        parent?.isVisible(name) ?? false
    }

    /// The node (in this graph or an enclosing one) that produces `name`, if any.
    func producer(of name: String) -> String? {
        producers[name] ?? parent?.producer(of: name)
    }
}
