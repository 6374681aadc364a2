/// Attribute values the spec constrains without the type system saying so (positive
/// strides, known `auto_pad` words, ...). Ranges that depend on an input's rank (axes) are
/// checked by shape inference, where the rank is known.
extension OperatorSchema {
    public func rangeViolations(of node: Node) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        func check(_ name: String, _ ok: Bool, _ why: String) {
            if !ok { found.append(.init(field: "attribute '\(name)'", message: why)) }
        }
        for attribute in node.attributes {
            guard let name = attribute.name, attributes[name] != nil, attribute.refAttrName == nil else { continue }
            switch (op, name) {
            case (_, "strides") where Self.windowed.contains(op), (_, "dilations") where Self.windowed.contains(op):
                check(name, attribute.ints.allSatisfy { $0 > 0 }, "every value must be positive, found \(attribute.ints)")
            case (_, "kernel_shape") where Self.windowed.contains(op):
                check(name, attribute.ints.allSatisfy { $0 > 0 }, "every value must be positive, found \(attribute.ints)")
            case (_, "pads") where Self.windowed.contains(op):
                check(name, attribute.ints.allSatisfy { $0 >= 0 }, "padding must not be negative, found \(attribute.ints)")
                check(name, attribute.ints.count % 2 == 0, "needs a begin and an end value per axis, found \(attribute.ints.count) values")
            case (_, "auto_pad"):
                let word = attribute.stringValue ?? ""
                check(name, ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(word), "'\(word)' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID")
            case ("Conv", "group"), ("ConvTranspose", "group"):
                check(name, (attribute.i ?? 0) >= 1, "must be at least 1, found \(attribute.i ?? 0)")
            case ("LRN", "size"):
                check(name, (attribute.i ?? 0) >= 1, "must be at least 1, found \(attribute.i ?? 0)")
            case ("Pad", "mode"):
                let word = attribute.stringValue ?? ""
                check(name, ["constant", "reflect", "edge", "wrap"].contains(word), "'\(word)' is not constant, reflect, edge or wrap")
            case ("Split", "num_outputs"):
                check(name, (attribute.i ?? 0) >= 1, "must be at least 1, found \(attribute.i ?? 0)")
            default:
                break
            }
        }
        return found
    }

    static let windowed: Set<String> = ["Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool"]
}
