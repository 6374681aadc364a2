/// Strided 1×1 convolutions (ResNet's down-sampling projections, 1×1 stride 2) as a copy of
/// the pixels they read followed by a stride-1 1×1 convolution.
///
/// Run as a strided convolution, a 1×1 kernel went through the general path: a copy of every
/// row it reads split into both column phases (twice the floats it uses), then packing strip
/// by strip, blending two runs wherever a strip crosses an output row's end (ResNet50's 1×1/2
/// layers ran 1.16–1.30× onnxruntime's time on one core, its stride-1 1×1 layers
/// 1.07–1.13×). Copied once into a compact C × outHeight × outWidth image (a quarter of the
/// input at stride 2), the pixels become a stride-1 input without padding: packed as
/// contiguous rows, or read in place.
extension Conv2D {
    /// The stride-1 shape that computes `s` on its subsampled input, when `s` is a 1×1
    /// convolution with a stride above 1 and no padding (other shapes: nil).
    static func subsampledShape(_ s: Conv2DShape) -> Conv2DShape? {
        guard s.kernelHeight == 1, s.kernelWidth == 1, s.strideHeight > 1 || s.strideWidth > 1,
              s.padTop == 0, s.padLeft == 0, s.padBottom == 0, s.padRight == 0 else { return nil }
        var compact = s
        compact.inHeight = s.outHeight
        compact.inWidth = s.outWidth
        compact.strideHeight = 1
        compact.strideWidth = 1
        return compact
    }

    /// Copies the pixels a strided 1×1 kernel reads (rows and columns 0, stride, 2·stride, ...)
    /// of every channel of every image into `compact`, channels split over the threads. Stride 2
    /// across (ResNet's projections) goes through the variant's vector copy.
    func subsample(input: UnsafePointer<Float>, into compact: UnsafeMutablePointer<Float>, threads: Int) {
        let s = shape
        let oh = s.outHeight, ow = s.outWidth
        let sh = s.strideHeight, sw = s.strideWidth
        let planes = s.batch * s.inChannels
        Parallel.forEach(items: planes, threads: threads) { plane, _ in
            let source = input + plane * s.inHeight * s.inWidth
            var target = compact + plane * oh * ow
            if sw == 2 {
                microKernel.subsample2(source, pitch: sh * s.inWidth, rows: oh, outWidth: ow, into: target)
                return
            }
            for y in 0..<oh {
                let row = source + y * sh * s.inWidth
                for x in 0..<ow { target[x] = row[x * sw] }
                target += ow
            }
        }
    }
}
