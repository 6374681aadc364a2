/// A strided convolution's zero-bordered input split into its stride phases, so that the
/// direct form without packing (`Conv2D+Taps`) reads it as it reads a stride-1 one.
///
/// Each channel's padded plane becomes strideH × strideW planes of `height` × `width` floats,
/// phase (py, px) holding padded rows py, py + strideH, … and columns px, px + strideW, …
/// (zeros past the padded plane's end). Output pixel (oy, ox) reads tap (ky, kx) at row
/// oy + ky / strideH, column ox + kx / strideW of phase (ky mod strideH, kx mod strideW): with
/// virtual columns v = oy · width + ox every tap is one offset, `tapOffsets[k] + v`, and a
/// 16-pixel strip one vector load. The stems this is for (ResNet's 7×7/2 on 3 channels,
/// Inception's and MobileNetV2's 3×3/2) otherwise gathered their im2col strips with stride 2
/// for every pixel block.
final class PhasePlanes {
    /// Rows and columns of each phase plane (`width` is the taps' virtual row pitch).
    let height: Int
    let width: Int
    /// Per k = (channel, ky, kx) of one group: where tap (ky, kx)'s pixel (0, 0) lies.
    let tapOffsets: UnsafeMutablePointer<Int>
    private let shape: Conv2DShape
    private var strideHeight: Int { shape.strideHeight }
    private var strideWidth: Int { shape.strideWidth }

    /// Floats of one channel's phases.
    var channelFloats: Int { strideHeight * strideWidth * height * width }

    init(shape s: Conv2DShape) {
        shape = s
        let paddedHeight = s.inHeight + s.padTop + s.padBottom
        let paddedWidth = s.inWidth + s.padLeft + s.padRight
        height = (paddedHeight + s.strideHeight - 1) / s.strideHeight
        width = (paddedWidth + s.strideWidth - 1) / s.strideWidth
        let taps = s.kernelHeight * s.kernelWidth
        let depth = s.inChannelsPerGroup * taps
        let plane = height * width
        tapOffsets = .allocate(capacity: max(depth, 1))
        for k in 0..<depth {
            let channel = k / taps
            let ky = (k % taps) / s.kernelWidth * s.dilationHeight
            let kx = k % s.kernelWidth * s.dilationWidth
            let phase = (ky % s.strideHeight) * s.strideWidth + kx % s.strideWidth
            tapOffsets[k] = (channel * s.strideHeight * s.strideWidth + phase) * plane
                + (ky / s.strideHeight) * width + kx / s.strideWidth
        }
    }

    deinit { tapOffsets.deallocate() }

    /// Floats of the phases of `channels` channels.
    func floats(channels: Int) -> Int { channels * channelFloats }

    /// Writes the phases of `channels` of one image's `input` (NCHW planes) into `phases`.
    func copy(input: UnsafePointer<Float>, channels: Range<Int>, into phases: UnsafeMutablePointer<Float>) {
        let s = shape
        let paddedHeight = s.inHeight + s.padTop + s.padBottom
        let plane = height * width
        // One zero-bordered padded row, readable 16 floats past 2 · width (`splitEvenOdd`).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: strideWidth * width + 32) { buffer in
            let line = buffer.baseAddress!
            line.update(repeating: 0, count: strideWidth * width + 32)
            for c in channels {
                let source = input + c * s.inHeight * s.inWidth
                let target = phases + c * channelFloats
                for py in 0..<strideHeight {
                    for i in 0..<height {
                        let iy = i * strideHeight + py - s.padTop
                        let rowStart = target + py * strideWidth * plane + i * width
                        if i * strideHeight + py >= paddedHeight || iy < 0 || iy >= s.inHeight {
                            for px in 0..<strideWidth { (rowStart + px * plane).update(repeating: 0, count: width) }
                            continue
                        }
                        (line + s.padLeft).update(from: source + iy * s.inWidth, count: s.inWidth)
                        if strideWidth == 2 {
                            ColumnSource.splitEvenOdd(
                                line, even: rowStart, evenCount: width, odd: rowStart + plane, oddCount: width)
                        } else {
                            for px in 0..<strideWidth {
                                let out = rowStart + px * plane
                                for j in 0..<width { out[j] = line[j * strideWidth + px] }
                            }
                        }
                    }
                }
            }
        }
    }
}
