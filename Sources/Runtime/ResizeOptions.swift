import Foundation
import ONNXIR

/// Resize's attributes with the spec's defaults, and the 1-D interpolation they describe.
struct ResizeOptions {
    var mode: String
    var coordinates: String
    var nearestMode: String
    var cubicA: Float
    var excludeOutside: Bool
    var extrapolation: Float
    var aspectPolicy: String
    var axesAttribute: [Int]?
    /// Linear/cubic downsampling widens the filter by 1/scale (opset 18), as PIL does.
    var antialias: Bool

    init(_ node: NodeAttributes) throws {
        mode = node.string("mode", default: "nearest")
        coordinates = node.string("coordinate_transformation_mode", default: "half_pixel")
        nearestMode = node.string("nearest_mode", default: "round_prefer_floor")
        cubicA = try node.float("cubic_coeff_a", default: -0.75)
        excludeOutside = try node.int("exclude_outside", default: 0) != 0
        extrapolation = try node.float("extrapolation_value", default: 0)
        aspectPolicy = node.string("keep_aspect_ratio_policy", default: "stretch")
        axesAttribute = try node.ints("axes")
        guard ["nearest", "linear", "cubic"].contains(mode) else { throw node.invalid("unknown mode '\(mode)'") }
        guard ["half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize"].contains(coordinates) else {
            throw node.invalid("unknown coordinate_transformation_mode '\(coordinates)'")
        }
        guard ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(nearestMode) else { throw node.invalid("unknown nearest_mode '\(nearestMode)'") }
        guard ["stretch", "not_larger", "not_smaller"].contains(aspectPolicy) else { throw node.invalid("unknown keep_aspect_ratio_policy '\(aspectPolicy)'") }
        antialias = try node.int("antialias", default: 0) != 0 && mode != "nearest"
    }

    /// Per-axis lengths and scales from `scales` or `sizes` (over `axes`, default all).
    func axes(_ shape: [Int], roi: [Float]?, scales: [Float]?, sizes: [Int]?) throws -> [ResizeAxis] {
        let rank = shape.count
        let axes = try (axesAttribute ?? Array(0..<rank)).map { try OperatorTable.axis($0, rank: rank) }
        var scale = [Float](repeating: 1, count: rank), length = shape
        if let sizes, !sizes.isEmpty {
            guard sizes.count == axes.count, sizes.allSatisfy({ $0 >= 0 }) else { throw KernelError("sizes \(sizes) do not fit \(axes.count) axes") }
            if aspectPolicy == "stretch" {
                for (k, a) in axes.enumerated() { length[a] = sizes[k]; scale[a] = Float(sizes[k]) / Float(shape[a]) }
            } else {
                let ratios = axes.enumerated().map { Float(sizes[$0.offset]) / Float(shape[$0.element]) }
                let s = aspectPolicy == "not_larger" ? ratios.min()! : ratios.max()!
                for a in axes { scale[a] = s; length[a] = Int((s * Float(shape[a]) + 0.5).rounded(.down)) }
            }
        } else if let scales, !scales.isEmpty {
            guard scales.count == axes.count, scales.allSatisfy({ $0 > 0 }) else { throw KernelError("scales \(scales) do not fit \(axes.count) axes") }
            for (k, a) in axes.enumerated() { scale[a] = scales[k]; length[a] = Int((Float(shape[a]) * scales[k]).rounded(.down)) }
        } else {
            throw KernelError("one of scales and sizes is required")
        }
        let crops = coordinates == "tf_crop_and_resize"
        if crops { guard let roi, roi.count == 2 * axes.count else { throw KernelError("tf_crop_and_resize needs roi with \(2 * axes.count) values") } }
        return (0..<rank).map { a in
            var r = ResizeAxis(axis: a, inputLength: shape[a], outputLength: length[a], scale: scale[a], crops: crops && axes.contains(a))
            if crops, let roi, let k = axes.firstIndex(of: a) { r.roiStart = roi[k]; r.roiEnd = roi[k + axes.count] }
            return r
        }
    }

    /// The input coordinate of output position `j` on this axis. The resized length in these
    /// formulas is `scale * inputLength` before rounding, as the spec's reference computes it.
    func source(_ j: Int, _ a: ResizeAxis) -> Float {
        let x = Float(j), s = a.scale, inLength = Float(a.inputLength)
        let resized = s * inLength
        switch coordinates {
        case "asymmetric": return x / s
        case "align_corners": return resized == 1 ? 0 : x * (inLength - 1) / (resized - 1)
        case "pytorch_half_pixel": return resized > 1 ? (x + 0.5) / s - 0.5 : 0
        case "half_pixel_symmetric":
            let adjustment = Float(a.outputLength) / resized
            let offset = inLength / 2 * (1 - adjustment)
            return offset + (x + 0.5) / s - 0.5
        case "tf_crop_and_resize":
            return resized > 1
                ? a.roiStart * (inLength - 1) + x * (a.roiEnd - a.roiStart) * (inLength - 1) / (resized - 1)
                : 0.5 * (a.roiStart + a.roiEnd) * (inLength - 1)
        default: return (x + 0.5) / s - 0.5
        }
    }

    /// Source indices and weights of one output position; nil means the extrapolation value.
    func taps(_ j: Int, _ a: ResizeAxis) -> [(Int, Float)]? {
        let x = source(j, a), n = a.inputLength
        if coordinates == "tf_crop_and_resize", x < 0 || x > Float(n - 1) { return nil }
        let clamp = { (i: Int) in Swift.min(Swift.max(i, 0), n - 1) }
        switch mode {
        case "nearest":
            let f = x.rounded(.down), frac = x - f
            let i: Float
            switch nearestMode {
            case "floor": i = f
            case "ceil": i = x.rounded(.up)
            case "round_prefer_ceil": i = frac >= 0.5 ? f + 1 : f
            default: i = frac > 0.5 ? f + 1 : f
            }
            return [(clamp(Int(i)), 1)]
        case _ where antialias:
            return antialiasedTaps(x, a)
        case "linear":
            let f = x.rounded(.down), r = x - f
            return [(clamp(Int(f)), 1 - r), (clamp(Int(f) + 1), r)]
        default:
            let f = x.rounded(.down), r = x - f, A = cubicA
            let distances = [1 + r, r, 1 - r, 2 - r]
            var taps = distances.enumerated().map { (k, d) -> (Int, Float) in
                let w: Float = d <= 1 ? ((A + 2) * d - (A + 3)) * d * d + 1 : ((A * d - 5 * A) * d + 8 * A) * d - 4 * A
                return (Int(f) - 1 + k, w)
            }
            if excludeOutside {
                taps = taps.map { $0.0 < 0 || $0.0 >= n ? ($0.0, 0) : $0 }
                let total = taps.reduce(0) { $0 + $1.1 }
                if total != 0 { taps = taps.map { ($0.0, $0.1 / total) } }
            }
            return taps.map { (clamp($0.0), $0.1) }
        }
    }

    /// Linear or cubic taps around source coordinate `x` with the kernel stretched by 1/scale when
    /// downsampling (opset 18 `antialias`): the taps are the 2·⌈support/scale⌉ inputs nearest `x`
    /// (ties to the left), weighted by the kernel at scale·distance and normalized to sum 1;
    /// upsampling gives the plain kernel. Edges repeat the border input, or with `exclude_outside`
    /// outside taps get no weight.
    func antialiasedTaps(_ x: Float, _ a: ResizeAxis) -> [(Int, Float)] {
        let n = a.inputLength, scale = Swift.min(a.scale, 1), A = cubicA
        let base = Int(x.rounded(.up)) - 1, r = x - Float(base)  // r in (0, 1]
        let support: Float = mode == "linear" ? 1 : 2
        let start = Int((-support / scale).rounded(.down)) + 1
        let kernel = { (distance: Float) -> Float in
            let d = abs(distance)
            if self.mode == "linear" { return Swift.max(0, 1 - d) }
            if d <= 1 { return ((A + 2) * d - (A + 3)) * d * d + 1 }
            return d < 2 ? ((A * d - 5 * A) * d + 8 * A) * d - 4 * A : 0
        }
        var taps = (start..<(2 - start)).map { i -> (Int, Float) in
            let index = base + i
            let outside = index < 0 || index >= n
            return (Swift.min(Swift.max(index, 0), n - 1), excludeOutside && outside ? 0 : kernel(scale * (Float(i) - r)))
        }
        let total = taps.reduce(0) { $0 + $1.1 }
        if total != 0 { taps = taps.map { ($0.0, $0.1 / total) } }
        return taps
    }

    /// `x` resized along one axis.
    func resize(_ x: TensorValue, axis a: ResizeAxis, _ c: ExecutionContext) -> TensorValue {
        var shape = x.shape
        shape[a.axis] = a.outputLength
        let out = c.output(shape)
        if out.count == 0 { return out }
        let outer = x.shape[..<a.axis].reduce(1, *), inner = x.shape[(a.axis + 1)...].reduce(1, *)
        let taps = (0..<a.outputLength).map { self.taps($0, a) }
        let xi = x.floats, o = out.floats
        let fill = extrapolation
        c.parallelFor(outer, cost: a.outputLength * inner * 4) { range in
            for b in range {
                let src = xi + b * a.inputLength * inner
                for (j, t) in taps.enumerated() {
                    let dst = o + (b * a.outputLength + j) * inner
                    guard let t else { for i in 0..<inner { dst[i] = fill }; continue }
                    for i in 0..<inner { dst[i] = 0 }
                    for (index, weight) in t where weight != 0 {
                        let row = src + index * inner
                        for i in 0..<inner { dst[i] += weight * row[i] }
                    }
                }
            }
        }
        return out
    }
}
