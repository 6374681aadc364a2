/// Shape rules of the operators with windows, matrix products, slicing, padding, reduction.
extension InferenceContext {
    mutating func slice(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        var starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
        if schema.since < 10 {
            guard let s = ints("starts"), let e = ints("ends") else { return }
            (starts, ends, axes, steps) = (s, e, ints("axes"), nil)
        } else {
            guard let s = input(1)?.values, let e = input(2)?.values else {
                out[0].dims = dims.map { _ in Self.unknown }
                return
            }
            starts = s.map { Int(truncatingIfNeeded: $0) }
            ends = e.map { Int(truncatingIfNeeded: $0) }
            if node.inputs.count > 3, !node.inputs[3].isEmpty {
                guard let a = input(3)?.values else { out[0].dims = dims.map { _ in Self.unknown }; return }
                axes = a.map { Int(truncatingIfNeeded: $0) }
            }
            if node.inputs.count > 4, !node.inputs[4].isEmpty {
                guard let st = input(4)?.values else { out[0].dims = dims.map { _ in Self.unknown }; return }
                steps = st.map { Int(truncatingIfNeeded: $0) }
            }
        }
        let axisList = try (axes ?? Array(0..<starts.count)).map { v throws(ShapeInferenceError) in try axis(v, rank: dims.count, name: "axes") }
        guard starts.count == ends.count, starts.count == axisList.count, steps.map({ $0.count == starts.count }) ?? true else {
            throw fail("starts, ends, axes and steps must have the same length")
        }
        var result = dims
        for (k, a) in axisList.enumerated() {
            let step = steps?[k] ?? 1
            guard step != 0 else { throw fail("step of axis \(a) is 0") }
            guard let d = Self.known(dims[a]) else { result[a] = Self.unknown; continue }
            func normalized(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v < 0 ? (v < -d ? lo : v + d) : v, lo), hi) }
            let length: Int
            if step > 0 {
                let s = normalized(starts[k], 0, d), e = normalized(ends[k], 0, d)
                length = e > s ? (e - s - 1) / step + 1 : 0
            } else {
                let s = normalized(starts[k], 0, d - 1)
                let e = ends[k] < -d ? -1 : normalized(ends[k], -1, d - 1)
                length = s > e ? (s - e - 1) / (-step) + 1 : 0
            }
            result[a] = Self.dim(length)
        }
        out[0].dims = result
    }

    mutating func pad(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        let pads: [Int]
        var axes = Array(0..<dims.count)
        if schema.since < 11 {
            guard let p = ints(schema.since < 2 ? "paddings" : "pads") else { return }
            pads = p
        } else {
            guard let p = input(1)?.values else { out[0].dims = dims.map { _ in Self.unknown }; return }
            pads = p.map { Int(truncatingIfNeeded: $0) }
            if node.inputs.count > 3, !node.inputs[3].isEmpty {
                guard let a = input(3)?.values else { out[0].dims = dims.map { _ in Self.unknown }; return }
                axes = try a.map { v throws(ShapeInferenceError) in try axis(Int(truncatingIfNeeded: v), rank: dims.count, name: "axes") }
            }
        }
        guard pads.count == 2 * axes.count else {
            throw fail("pads has \(pads.count) values, \(2 * axes.count) expected (begin and end per axis)")
        }
        var result = dims
        for (k, a) in axes.enumerated() {
            guard let d = Self.known(dims[a]) else { continue }
            let size = try ShapeArithmetic.add(try ShapeArithmetic.add(d, pads[k]), pads[k + axes.count])
            guard size >= 0 else { throw fail("padding makes axis \(a) negative (\(size))") }
            result[a] = Self.dim(size)
        }
        out[0].dims = result
    }

    mutating func gemm(_ out: inout [ValueFacts]) throws {
        guard let a = input(0)?.dims, let b = input(1)?.dims else { return }
        guard a.count == 2 else { throw fail("A must have rank 2, found \(a.count)", field: "input[0] '\(node.inputs[0])'") }
        guard b.count == 2 else { throw fail("B must have rank 2, found \(b.count)", field: "input[1] '\(node.inputs[1])'") }
        let transA = int("transA", 0) != 0, transB = int("transB", 0) != 0
        let (m, k1) = transA ? (a[1], a[0]) : (a[0], a[1])
        let (k2, n) = transB ? (b[1], b[0]) : (b[0], b[1])
        if let p = Self.known(k1), let q = Self.known(k2), p != q {
            throw fail("inner dimensions differ: A gives K = \(p), B gives K = \(q)")
        }
        out[0].dims = [m, n]
    }

    mutating func matMul(_ out: inout [ValueFacts]) throws {
        guard let a = input(0)?.dims, let b = input(1)?.dims else { return }
        guard !a.isEmpty, !b.isEmpty else { throw fail("MatMul inputs must have rank 1 or more") }
        let a2 = a.count == 1 ? [Self.dim(1)] + a : a
        let b2 = b.count == 1 ? b + [Self.dim(1)] : b
        if let p = Self.known(a2[a2.count - 1]), let q = Self.known(b2[b2.count - 2]), p != q {
            throw fail("inner dimensions differ: \(p) vs \(q)")
        }
        var result = try broadcast(Array(a2.dropLast(2)), Array(b2.dropLast(2)))
        if a.count > 1 { result.append(a2[a2.count - 2]) }
        if b.count > 1 { result.append(b2[b2.count - 1]) }
        out[0].dims = result
    }

    /// Conv and the windowed pools: channel and kernel checks, attribute lengths, output size.
    mutating func window(_ out: inout [ValueFacts]) throws {
        guard let x = input(0)?.dims else { return }
        guard x.count >= 3 else { throw fail("input must have rank 3 or more (N, C, spatial...), found \(x.count)", field: "input[0] '\(node.inputs[0])'") }
        let spatial = x.count - 2
        var kernel = ints("kernel_shape")
        var channels = x[1]
        if op == "Conv" {
            guard let w = input(1)?.dims else { out[0].dims = [x[0], Self.unknown] + Array(repeating: Self.unknown, count: spatial); return }
            guard w.count == x.count else { throw fail("weight rank \(w.count) differs from input rank \(x.count)", field: "input[1] '\(node.inputs[1])'") }
            let group = int("group", 1)
            if let c = Self.known(x[1]), let wc = Self.known(w[1]), c != wc * group {
                throw fail("input has \(c) channels, weight expects \(wc) × group \(group) = \(wc * group)")
            }
            if let m = Self.known(w[0]), m % max(group, 1) != 0 { throw fail("\(m) output channels are not divisible by group \(group)") }
            if let kernel, kernel.count == spatial {
                for i in 0..<spatial {
                    if let k = Self.known(w[i + 2]), k != kernel[i] { throw fail("kernel_shape \(kernel) differs from the weight's \(Self.text(Array(w.dropFirst(2))))") }
                }
            }
            if kernel == nil {
                let ks = w.dropFirst(2).map(Self.known)
                if ks.allSatisfy({ $0 != nil }) { kernel = ks.map { $0! } }
            }
            channels = w[0]
            if node.inputs.count > 2, let bias = input(2)?.dims {
                guard bias.count == 1 else { throw fail("bias must have rank 1, found \(bias.count)", field: "input[2] '\(node.inputs[2])'") }
                if let m = Self.known(w[0]), let bm = Self.known(bias[0]), m != bm { throw fail("bias has \(bm) values for \(m) output channels", field: "input[2] '\(node.inputs[2])'") }
            }
        }
        for name in ["strides", "dilations", "kernel_shape"] {
            if let v = ints(name), v.count != spatial { throw fail("has \(v.count) values for \(spatial) spatial axes", field: "attribute '\(name)'") }
        }
        let pads = ints("pads")
        if let pads, pads.count != 2 * spatial { throw fail("has \(pads.count) values, \(2 * spatial) expected", field: "attribute 'pads'") }
        var result = [x[0], channels]
        guard let kernel else {
            out[0].dims = result + Array(repeating: Self.unknown, count: spatial)
            return
        }
        let strides = ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = ints("dilations") ?? Array(repeating: 1, count: spatial)
        let autoPad = string("auto_pad", "NOTSET")
        let ceil = int("ceil_mode", 0) != 0
        for i in 0..<spatial {
            guard let size = Self.known(x[i + 2]), strides[i] > 0, dilations[i] > 0, kernel[i] > 0 else { result.append(Self.unknown); continue }
            let extent = try ShapeArithmetic.add(try ShapeArithmetic.multiply(kernel[i] - 1, dilations[i]), 1)
            var length: Int
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                length = (size + strides[i] - 1) / strides[i]
            case "VALID":
                length = size >= extent ? (size - extent) / strides[i] + 1 : 0
            default:
                let padded = try ShapeArithmetic.add(size, try ShapeArithmetic.add(pads?[i] ?? 0, pads?[i + spatial] ?? 0))
                let span = padded - extent
                guard span >= 0 else { length = 0; break }
                length = (ceil ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1
                if ceil, (length - 1) * strides[i] >= size + (pads?[i] ?? 0) { length -= 1 }
            }
            result.append(Self.dim(length))
        }
        out[0].dims = result
        if out.count > 1 { out[1].dims = result }
    }

    mutating func reduce(_ out: inout [ValueFacts]) throws {
        guard let dims = input(0)?.dims else { return }
        var axes: [Int]?
        if schema.attributes["axes"] != nil {
            axes = ints("axes")
        } else if node.inputs.count > 1, !node.inputs[1].isEmpty {
            guard let v = input(1)?.values else { return }
            axes = v.map { Int(truncatingIfNeeded: $0) }
        }
        let keep = int("keepdims", 1) != 0
        if (axes ?? []).isEmpty, int("noop_with_empty_axes", 0) != 0 { out[0].dims = dims; return }
        let reduced = Set(try (axes?.isEmpty == false ? axes! : Array(dims.indices)).map { v throws(ShapeInferenceError) in try axis(v, rank: dims.count, name: "axes") })
        out[0].dims = dims.indices.compactMap { i in reduced.contains(i) ? (keep ? Self.dim(1) : nil) : dims[i] }
    }
}
