/// Whether a layer's window fits its (padded) input. Needed because `outputShape` divides
/// with Swift's truncation, which turns a window larger than the input into size 1 instead
/// of an error.
extension Layer {
    public func windowProblem(for input: FeatureShape) -> String? {
        let window: Size2, pad: Padding
        switch self {
        case .conv(let c):
            window = Size2(c.dilations.height * (c.kernel.height - 1) + 1, c.dilations.width * (c.kernel.width - 1) + 1)
            pad = c.padding
        case .pool(let p):
            window = p.window
            pad = p.padding + p.zeroPadding
        default:
            return nil
        }
        let h = input.height + pad.top + pad.bottom, w = input.width + pad.left + pad.right
        if h < window.height || w < window.width {
            return "its \(window) window is larger than the padded \(h)x\(w) map"
        }
        return nil
    }
}
