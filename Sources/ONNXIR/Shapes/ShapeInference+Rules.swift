/// Per-operator shape rules (the spec's shape inference, for the CNN operator set).
extension InferenceContext {
    static let sameShape: Set<String> = [
        "Abs", "Ceil", "Cast", "Clip", "Dropout", "Elu", "Erf", "Exp", "Floor", "HardSigmoid", "HardSwish",
        "Identity", "LeakyRelu", "Log", "Neg", "Not", "Reciprocal", "Relu", "Selu", "Sigmoid", "Sign",
        "Softplus", "Softsign", "Sqrt", "Tanh", "LRN", "InstanceNormalization", "BatchNormalization",
    ]
    static let broadcasting: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Equal", "Less", "Greater", "Max", "Min", "Sum", "Mean", "Where",
    ]

    mutating func inferShapes(into out: inout [ValueFacts]) throws {
        guard !out.isEmpty else { return }
        if Self.sameShape.contains(op) {
            out[0].dims = input(0)?.dims
            if op == "Identity" || (op == "Cast" && out[0].elementType.map(Self.isInteger) == true) { out[0].values = input(0)?.values }
            if op == "Dropout", out.count > 1 { out[1].dims = input(0)?.dims }
            return
        }
        if Self.broadcasting.contains(op) {
            guard schema.since >= 7 || op == "Max" || op == "Min" || op == "Sum" || op == "Mean" else { return }
            try broadcastAll(into: &out)
            return
        }
        switch op {
        case "Softmax":
            if let r = input(0)?.rank { _ = try axis(int("axis", schema.since < 13 ? 1 : -1), rank: r) }
            out[0].dims = input(0)?.dims
        case "Constant": out[0] = constantTensor() ?? out[0]
        case "ConstantOfShape": try constantOfShape(&out)
        case "Shape": shape(&out)
        case "Gather": try gather(&out)
        case "Unsqueeze": try unsqueeze(&out)
        case "Squeeze": try squeeze(&out)
        case "Concat": try concat(&out)
        case "Split": try split(&out)
        case "Reshape": try reshape(&out)
        case "Flatten": try flatten(&out)
        case "Transpose": try transpose(&out)
        case "Slice": try slice(&out)
        case "Pad": try pad(&out)
        case "Gemm": try gemm(&out)
        case "MatMul": try matMul(&out)
        case "Conv", "MaxPool", "AveragePool": try window(&out)
        case "GlobalAveragePool", "GlobalMaxPool":
            if let dims = input(0)?.dims {
                guard dims.count >= 3 else { throw fail("input must have rank 3 or more (N, C, spatial...), found \(dims.count)") }
                out[0].dims = Array(dims.prefix(2)) + Array(repeating: Dimension(.value(1)), count: dims.count - 2)
            }
        case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL2": try reduce(&out)
        case "Expand":
            guard let dims = input(0)?.dims, let shape = input(1)?.values else { return }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(shape) has a negative dimension", field: "input[1] '\(node.inputs[1])'") }
            out[0].dims = try broadcast(dims, shape.map { Self.dim(Int($0)) })
        case "Tile":
            guard let dims = input(0)?.dims, let repeats = input(1)?.values else { return }
            guard repeats.count == dims.count, repeats.allSatisfy({ $0 >= 0 }) else {
                throw fail("repeats \(repeats) must give one non-negative count per axis of rank \(dims.count)", field: "input[1] '\(node.inputs[1])'")
            }
            out[0].dims = try zip(dims, repeats).map { d, r in
                guard let v = Self.known(d) else { return Self.unknown }
                return Self.dim(try ShapeArithmetic.multiply(v, Int(r)))
            }
        case "Resize" where node.inputs.count > 3 && !node.inputs[3].isEmpty:
            guard let dims = input(0)?.dims, let sizes = input(3)?.values, node.attribute("axes") == nil else { return }
            guard sizes.count == dims.count, sizes.allSatisfy({ $0 >= 0 }) else {
                throw fail("sizes \(sizes) must give one non-negative size per axis of rank \(dims.count)", field: "input[3] '\(node.inputs[3])'")
            }
            out[0].dims = sizes.map { Self.dim(Int($0)) }
        default: break
        }
    }

    static func isInteger(_ t: ElementType) -> Bool { t == .int64 || t == .int32 }
    static func known(_ d: Dimension) -> Int? { d.intValue.map { Int(truncatingIfNeeded: $0) } }
    static func dim(_ v: Int) -> Dimension { Dimension(.value(Int64(v))) }
    static let unknown = Dimension(nil)

    // MARK: elementwise

    mutating func broadcastAll(into out: inout [ValueFacts]) throws {
        var result: [Dimension]? = []
        for k in node.inputs.indices {
            guard let dims = input(k)?.dims, let sofar = result else { result = nil; continue }
            result = try broadcast(sofar, dims)
        }
        if node.inputs.isEmpty { result = nil }
        out[0].dims = result
        if ["Add", "Sub", "Mul", "Div"].contains(op), node.inputs.count == 2,
           let a = input(0)?.values, let b = input(1)?.values, !a.isEmpty, !b.isEmpty,
           a.count == b.count || a.count == 1 || b.count == 1,
           out[0].elementType.map(Self.isInteger) == true {
            let n = max(a.count, b.count)
            var values: [Int64] = []
            for i in 0..<n {
                let x = a[a.count == 1 ? 0 : i], y = b[b.count == 1 ? 0 : i]
                switch op {
                case "Add": values.append(x &+ y)
                case "Sub": values.append(x &- y)
                case "Mul": values.append(x &* y)
                default: if y == 0 { return }; values.append(x / y)
                }
            }
            out[0].values = values
        }
    }

    /// Numpy-style multidirectional broadcast of two shapes.
    func broadcast(_ a: [Dimension], _ b: [Dimension]) throws(ShapeInferenceError) -> [Dimension] {
        let rank = max(a.count, b.count)
        var result: [Dimension] = []
        for i in 0..<rank {
            let x = i < rank - a.count ? Self.dim(1) : a[i - (rank - a.count)]
            let y = i < rank - b.count ? Self.dim(1) : b[i - (rank - b.count)]
            switch (Self.known(x), Self.known(y)) {
            case let (p?, q?):
                guard p == q || p == 1 || q == 1 else {
                    throw fail("shapes \(Self.text(a)) and \(Self.text(b)) cannot be broadcast (dimension \(i): \(p) vs \(q))")
                }
                result.append(Self.dim(p == 1 ? q : p))
            case (1?, _): result.append(y)
            case (_, 1?): result.append(x)
            case (_?, nil): result.append(x)
            case (nil, _?): result.append(y)
            case (nil, nil): result.append(x == y ? x : Self.unknown)
            }
        }
        return result
    }

    static func text(_ dims: [Dimension]) -> String {
        "[" + dims.map { d in
            switch d.value { case .value(let v)?: return "\(v)"; case .param(let s)?: return s; case nil: return "?" }
        }.joined(separator: ", ") + "]"
    }

    // MARK: shape tensors

    mutating func constantOfShape(_ out: inout [ValueFacts]) throws {
        guard let values = input(0)?.values else {
            if let n = input(0)?.dims?.first.flatMap(Self.known) { out[0].dims = Array(repeating: Self.unknown, count: n) }
            return
        }
        for v in values where v < 0 { throw fail("shape value \(v) is negative", field: "input[0] '\(node.inputs[0])'") }
        let shape = values.map { Int($0) }
        _ = try ShapeArithmetic.elementCount(shape)
        out[0].dims = shape.map(Self.dim)
    }

    func shape(_ out: inout [ValueFacts]) {
        guard let dims = input(0)?.dims else { out[0].dims = [Self.unknown]; return }
        var lo = 0, hi = dims.count
        if schema.since >= 15 {
            let r = dims.count
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
            lo = clamp(int("start", 0))
            hi = clamp(int("end", r))
        }
        let kept = lo < hi ? Array(dims[lo..<hi]) : []
        out[0].dims = [Self.dim(kept.count)]
        let values = kept.compactMap { $0.intValue }
        if values.count == kept.count { out[0].values = values }
    }

    mutating func gather(_ out: inout [ValueFacts]) throws {
        guard let data = input(0)?.dims, let indices = input(1)?.dims else { return }
        let a = try axis(int("axis", 0), rank: data.count)
        out[0].dims = Array(data[..<a]) + indices + Array(data[(a + 1)...])
        if data.count == 1, let values = input(0)?.values, let picks = input(1)?.values {
            var picked: [Int64] = []
            for p in picks {
                let i = p < 0 ? Int(p) + values.count : Int(p)
                guard i >= 0, i < values.count else {
                    throw fail("index \(p) is out of range for a dimension of \(values.count)", field: "input[1] '\(node.inputs[1])'")
                }
                picked.append(values[i])
            }
            out[0].values = picked
        }
    }

    /// Axes from the attribute (older opsets) or from input `k` (newer); nil when unknown.
    func axesList(inputIndex k: Int, attributeUntil version: Int) -> [Int]?? {
        if schema.since < version { return .some(ints("axes")) }
        guard k < node.inputs.count, !node.inputs[k].isEmpty else { return .some(nil) }
        guard let values = input(k)?.values else { return nil }
        return .some(values.map { Int(truncatingIfNeeded: $0) })
    }

    mutating func unsqueeze(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims, case .some(let given) = axesList(inputIndex: 1, attributeUntil: 13) else { return }
        guard let axes = given else { throw fail("axes are required") }
        let rank = dims.count + axes.count
        let normalized = try axes.map { v throws(ShapeInferenceError) in try axis(v, rank: rank, name: "axes") }
        guard Set(normalized).count == normalized.count else { throw fail("axes \(axes) repeat an axis") }
        var result: [Dimension] = []
        var source = dims.makeIterator()
        for i in 0..<rank { result.append(normalized.contains(i) ? Self.dim(1) : source.next()!) }
        out[0].dims = result
        out[0].values = input(0)?.values
    }

    mutating func squeeze(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims, case .some(let given) = axesList(inputIndex: 1, attributeUntil: 13) else { return }
        let removed: Set<Int>
        if let axes = given {
            removed = Set(try axes.map { v throws(ShapeInferenceError) in try axis(v, rank: dims.count, name: "axes") })
            for a in removed {
                if let d = Self.known(dims[a]), d != 1 { throw fail("cannot squeeze axis \(a): its dimension is \(d), not 1") }
            }
        } else {
            guard dims.allSatisfy({ $0.intValue != nil }) else { return }
            removed = Set(dims.indices.filter { Self.known(dims[$0]) == 1 })
        }
        out[0].dims = dims.indices.filter { !removed.contains($0) }.map { dims[$0] }
        out[0].values = input(0)?.values
    }

    mutating func concat(_ out: inout [ValueFacts]) throws {
        let all = node.inputs.indices.map { input($0)?.dims }
        guard let first = all.compactMap({ $0 }).first else { return }
        let rank = first.count
        let a = try axis(int("axis", 0), rank: rank)
        var result = first
        var total: Int? = 0
        for (k, dims) in all.enumerated() {
            guard let dims else { total = nil; continue }
            guard dims.count == rank else { throw fail("input ranks differ (\(rank) and \(dims.count))", field: "input[\(k)] '\(node.inputs[k])'") }
            for i in 0..<rank where i != a {
                if let p = Self.known(result[i]), let q = Self.known(dims[i]), p != q {
                    throw fail("dimension \(i) is \(q), other inputs have \(p) (only axis \(a) may differ)", field: "input[\(k)] '\(node.inputs[k])'")
                }
                if result[i].value == nil { result[i] = dims[i] }
            }
            if let t = total, let d = Self.known(dims[a]) { total = try ShapeArithmetic.add(t, d) } else { total = nil }
        }
        result[a] = total.map(Self.dim) ?? Self.unknown
        out[0].dims = result
        let values = node.inputs.indices.map { input($0)?.values }
        if rank == 1, values.allSatisfy({ $0 != nil }) { out[0].values = values.flatMap { $0! } }
    }

    mutating func split(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        let a = try axis(int("axis", 0), rank: dims.count)
        var sizes: [Int]?
        if schema.since < 13, let s = ints("split"), !s.isEmpty { sizes = s }
        if schema.since >= 13, node.inputs.count > 1, !node.inputs[1].isEmpty {
            guard let v = input(1)?.values else { return }
            sizes = v.map { Int(truncatingIfNeeded: $0) }
        }
        let count = node.outputs.count
        let length = Self.known(dims[a])
        if let sizes {
            guard sizes.count == count else { throw fail("split has \(sizes.count) sizes for \(count) outputs") }
            guard sizes.allSatisfy({ $0 >= 0 }) else { throw fail("split sizes \(sizes) include a negative value") }
            var sum = 0
            for s in sizes { sum = try ShapeArithmetic.add(sum, s) }
            if let length, sum != length { throw fail("split sizes \(sizes) add up to \(sum), the axis has \(length)") }
            for k in 0..<count { out[k].dims = dims; out[k].dims![a] = Self.dim(sizes[k]) }
            return
        }
        guard let length else { for k in 0..<count { out[k].dims = dims; out[k].dims![a] = Self.unknown }; return }
        let pieces = schema.since >= 18 ? int("num_outputs", count) : count
        guard pieces >= 1 else { throw fail("num_outputs \(pieces) must be at least 1", field: "attribute 'num_outputs'") }
        if schema.since < 18, length % count != 0 {
            throw fail("axis \(a) of length \(length) cannot be split evenly into \(count) outputs")
        }
        let chunk = (length + pieces - 1) / max(pieces, 1)
        for k in 0..<count {
            out[k].dims = dims
            out[k].dims![a] = Self.dim(max(0, min(chunk, length - k * chunk)))
        }
    }

    mutating func reshape(_ out: inout [ValueFacts]) throws {
        let target: [Int]
        if schema.since < 5 {
            guard let s = ints("shape") else { return }
            target = s
        } else {
            guard let v = input(1)?.values else {
                if let n = input(1)?.dims?.first.flatMap(Self.known) { out[0].dims = Array(repeating: Self.unknown, count: n) }
                return
            }
            target = v.map { Int(truncatingIfNeeded: $0) }
        }
        let dims = input(0)?.dims
        let allowZero = int("allowzero", 0) != 0
        var result: [Dimension] = []
        var inferred: Int?
        for (i, t) in target.enumerated() {
            switch t {
            case -1:
                guard inferred == nil else { throw fail("the target shape \(target) has more than one -1") }
                inferred = i
                result.append(Self.unknown)
            case 0 where !allowZero:
                guard let dims else { result.append(Self.unknown); continue }
                guard i < dims.count else { throw fail("target dimension \(i) is 0 (copy), but the input has rank \(dims.count)") }
                result.append(dims[i])
            default:
                guard t >= 0 else { throw fail("the target shape \(target) has a negative dimension \(t)") }
                result.append(Self.dim(t))
            }
        }
        if let dims, let inputShape = dims.map(Self.known) as [Int?]?, inputShape.allSatisfy({ $0 != nil }) {
            let total = try ShapeArithmetic.elementCount(inputShape.map { $0! })
            let known = result.enumerated().filter { $0.offset != inferred }.map { Self.known($0.element) }
            if known.allSatisfy({ $0 != nil }) {
                let product = try ShapeArithmetic.elementCount(known.map { $0! })
                if let i = inferred {
                    guard product != 0, total % product == 0 else {
                        throw fail("cannot reshape \(Self.text(dims)) (\(total) elements) to \(target)")
                    }
                    result[i] = Self.dim(total / product)
                } else if product != total {
                    throw fail("cannot reshape \(Self.text(dims)) (\(total) elements) to \(target) (\(product) elements)")
                }
            }
        }
        out[0].dims = result
        out[0].values = input(0)?.values
    }

    mutating func flatten(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        let a = try axis(int("axis", 1), rank: dims.count, inclusive: true)
        func product(_ part: ArraySlice<Dimension>) throws -> Dimension {
            var n = 1
            for d in part { guard let v = Self.known(d) else { return Self.unknown }; n = try ShapeArithmetic.multiply(n, v) }
            return Self.dim(n)
        }
        out[0].dims = [try product(dims[..<a]), try product(dims[a...])]
    }

    mutating func transpose(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        let perm = ints("perm") ?? Array((0..<dims.count).reversed())
        guard perm.count == dims.count, Set(perm) == Set(0..<dims.count) else {
            throw fail("perm \(perm) is not a permutation of the \(dims.count) axes", field: "attribute 'perm'")
        }
        out[0].dims = perm.map { dims[$0] }
    }
}
