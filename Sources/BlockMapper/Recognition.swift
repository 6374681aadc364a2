import Blocks

/// What the recognizer found: the network, and where every graph node went.
public struct Recognition: Sendable {
    /// A node no block took, and why.
    public struct UnassignedNode: Sendable, Equatable {
        public var name: String
        public var opType: String
        public var reason: String
    }
    public var network: Network
    /// Block name (`stem`, body block names, `head`) → names of the nodes it covers.
    public var nodesByBlock: [String: [String]]
    public var unassigned: [UnassignedNode]
    public var nodeCount: Int

    public var assignedCount: Int { nodeCount - unassigned.count }
    public var isComplete: Bool { unassigned.isEmpty }

    /// The GUIDE §3 document: `family`, `blocks`, `unassigned` (node names), `coverage`.
    public func describe() -> JSONValue {
        guard case .object(var doc) = network.describe() else { return .null }
        doc["unassigned"] = .array(unassigned.map { .string($0.name) })
        doc["unassignedReasons"] = .array(unassigned.map {
            .object(["name": .string($0.name), "op": .string($0.opType), "reason": .string($0.reason)])
        })
        doc["coverage"] = .object(["nodes": .int(nodeCount), "assigned": .int(assignedCount)])
        return .object(doc)
    }
}
