internal import CKernels
/// Where each element of a convolution's im2col matrix B lives, as precomputed offsets, so
/// that packing B is a copy (or a gather) with no per-element bounds logic.
///
/// The input is first copied into a zero-bordered image (channels × paddedHeight ×
/// paddedWidth), each row stored as `strideW` column phases one after another (columns
/// p, p + s, p + 2s, … for phase p), so that for any stride the pixels of one output row are
/// consecutive. (No copy at all for stride-1 convolutions without padding.) Element (k, n) of
/// B, for k = (channel, ky, kx) and output pixel n = (oy, ox), then sits at
/// `tapOffsets[k] + pixelOffsets[n]` in that image, with d = kx·dilationW,
/// `tapOffsets[k] = channel·plane + ky·dilationH·paddedWidth + phaseStart[d mod s] + d / s`
/// and `pixelOffsets[n] = oy·strideH·paddedWidth + ox`.
/// A 16-pixel strip whose offsets are consecutive (one output row) packs with one vector copy
/// per k; one made of two consecutive runs (crossing a row end) with two copies and a blend;
/// other strips (output rows narrower than 16) gather lane by lane.
final class ColumnSource {
    let paddedHeight: Int
    let paddedWidth: Int
    let needsPaddedCopy: Bool
    /// Start of each column phase within a stored row, and its width.
    let phaseStarts: [Int]
    let phaseWidths: [Int]
    /// Which stored rows and column phases any tap reads (others are never copied).
    let usedRows: [Bool]
    let usedPhases: [Bool]
    /// Per k of one group: offset of the tap's (0, 0) pixel.
    let tapOffsets: UnsafeMutablePointer<Int>
    /// Per output pixel, rounded up to whole strips (tail lanes repeat the last pixel).
    let pixelOffsets: UnsafeMutablePointer<Int32>
    /// Per strip: 16 when its offsets are consecutive; L in 1..<16 when lanes L..<16 are a
    /// second consecutive run (starting at offset `pixelOffsets[strip·16 + L]`); 0 otherwise.
    let runSplit: UnsafeMutablePointer<Int32>
    let strips: Int
    /// Output pixel n reads image offset n (stride 1, no padding, so no padded copy): B's rows
    /// are contiguous spans of the input.
    let pixelsContiguous: Bool

    init(shape s: Conv2DShape) {
        paddedHeight = s.inHeight + s.padTop + s.padBottom
        paddedWidth = s.inWidth + s.padLeft + s.padRight
        let sw = s.strideWidth
        needsPaddedCopy = paddedHeight != s.inHeight || paddedWidth != s.inWidth || sw > 1
        var starts: [Int] = [], widths: [Int] = []
        var start = 0
        for phase in 0..<sw {
            let width = max(0, (paddedWidth - phase + sw - 1) / sw)
            starts.append(start)
            widths.append(width)
            start += width
        }
        phaseStarts = starts
        phaseWidths = widths
        var rowsRead = [Bool](repeating: false, count: paddedHeight)
        for oy in 0..<s.outHeight {
            for ky in 0..<s.kernelHeight { rowsRead[oy * s.strideHeight + ky * s.dilationHeight] = true }
        }
        usedRows = rowsRead
        var phasesRead = [Bool](repeating: false, count: sw)
        for kx in 0..<s.kernelWidth { phasesRead[(kx * s.dilationWidth) % sw] = true }
        usedPhases = phasesRead
        let plane = paddedHeight * paddedWidth
        let taps = s.kernelHeight * s.kernelWidth
        let depth = s.inChannelsPerGroup * taps
        tapOffsets = .allocate(capacity: max(depth, 1))
        for k in 0..<depth {
            let channel = k / taps
            let ky = (k % taps) / s.kernelWidth
            let d = (k % s.kernelWidth) * s.dilationWidth
            tapOffsets[k] = channel * plane + ky * s.dilationHeight * paddedWidth + starts[d % sw] + d / sw
        }
        let pixels = s.outHeight * s.outWidth
        strips = (pixels + 15) / 16
        pixelOffsets = .allocate(capacity: max(strips * 16, 1))
        runSplit = .allocate(capacity: max(strips, 1))
        for n in 0..<(strips * 16) {
            let p = min(n, pixels - 1)
            let oy = p / s.outWidth, ox = p % s.outWidth
            pixelOffsets[n] = Int32(oy * s.strideHeight * paddedWidth + ox)
        }
        var contiguous = !needsPaddedCopy
        for n in 0..<pixels where Int(pixelOffsets[n]) != n { contiguous = false }
        pixelsContiguous = contiguous
        for strip in 0..<strips {
            let o = pixelOffsets + strip * 16
            var breaks: [Int] = []
            for j in 1..<16 where o[j] != o[j - 1] + 1 { breaks.append(j) }
            // A second run must start at or after where the first would continue (so the
            // first run's full-width read stays inside what the second run's read covers).
            if breaks.isEmpty {
                runSplit[strip] = 16
            } else if breaks.count == 1, o[breaks[0]] >= o[breaks[0] - 1] + 1,
                Int(o[breaks[0]]) >= breaks[0]
            {
                runSplit[strip] = Int32(breaks[0])
            } else {
                runSplit[strip] = 0
            }
        }
    }

    deinit {
        tapOffsets.deallocate()
        pixelOffsets.deallocate()
        runSplit.deallocate()
    }

    /// Floats of the zero-bordered copy of one image (all channels).
    func paddedFloats(channels: Int) -> Int {
        needsPaddedCopy ? channels * paddedHeight * paddedWidth : 0
    }

    /// Copies `channels` planes of `input` into `padded`: zero border, column phases. Rows
    /// and phases no tap reads are skipped.
    func copyPadded(shape s: Conv2DShape, input: UnsafePointer<Float>, channels: Range<Int>, into padded: UnsafeMutablePointer<Float>) {
        let plane = paddedHeight * paddedWidth
        let sw = s.strideWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: paddedWidth + 32) { buffer in
            // One padded row, zero borders written once.
            let line = buffer.baseAddress!
            line.update(repeating: 0, count: paddedWidth + 32)
            for c in channels {
                let dst = padded + c * plane
                let src = input + c * s.inHeight * s.inWidth
                for y in 0..<paddedHeight where usedRows[y] {
                    let row = dst + y * paddedWidth
                    let iy = y - s.padTop
                    if iy < 0 || iy >= s.inHeight {
                        row.update(repeating: 0, count: paddedWidth)
                        continue
                    }
                    let inputRow = src + iy * s.inWidth
                    if sw == 1 {
                        if s.padLeft > 0 { row.update(repeating: 0, count: s.padLeft) }
                        (row + s.padLeft).update(from: inputRow, count: s.inWidth)
                        if s.padRight > 0 { (row + s.padLeft + s.inWidth).update(repeating: 0, count: s.padRight) }
                        continue
                    }
                    (line + s.padLeft).update(from: inputRow, count: s.inWidth)
                    splitPhases(line, into: row, stride: sw)
                }
            }
        }
    }

    /// Splits `line` into its even columns (`even[i] = line[2i]`) and odd columns
    /// (`odd[i] = line[2i + 1]`), 8 of each per 16-float load. `line` must be readable 16
    /// floats past `2 · max(evenCount, oddCount)`. Also used by `WinogradConv3x3`.
    @inline(__always)
    static func splitEvenOdd(
        _ line: UnsafePointer<Float>, even: UnsafeMutablePointer<Float>, evenCount: Int,
        odd: UnsafeMutablePointer<Float>, oddCount: Int
    ) {
        var i = 0
        while i + 8 <= min(evenCount, oddCount) {
            let v = UnsafeRawPointer(line + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(even + i).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(odd + i).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
            i += 8
        }
        for j in i..<evenCount { even[j] = line[2 * j] }
        for j in i..<oddCount { odd[j] = line[2 * j + 1] }
    }

    /// Stores padded row `line` as its column phases (column p + i·stride to phase p, slot i).
    @inline(__always)
    private func splitPhases(_ line: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>, stride sw: Int) {
        if sw == 2 {
            Self.splitEvenOdd(
                line, even: row + phaseStarts[0], evenCount: phaseWidths[0],
                odd: row + phaseStarts[1], oddCount: phaseWidths[1])
            return
        }
        for phase in 0..<sw where usedPhases[phase] {
            let out = row + phaseStarts[phase]
            for i in 0..<phaseWidths[phase] { out[i] = line[phase + i * sw] }
        }
    }

    /// Packs B rows [depthStart, +depthCount) × strips [firstStrip, +stripCount) from `image`
    /// (the zero-bordered copy, or the input itself) into `packed`: strip s holds depthCount
    /// rows of 16 floats.
    @inline(__always)
    func pack(
        image: UnsafePointer<Float>, depthStart: Int, depthCount: Int,
        firstStrip: Int, stripCount: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        if pixelsContiguous {
            packContiguous(
                image: image, depthStart: depthStart, depthCount: depthCount,
                firstStrip: firstStrip, stripCount: stripCount, into: packed)
            return
        }
        for s in 0..<stripCount {
            let strip = firstStrip + s
            let offsets = pixelOffsets + strip * 16
            var dst = packed + s * depthCount * 16
            let split = Int(runSplit[strip])
            if split == 16 {
                let base = image + Int(offsets[0])
                for kk in 0..<depthCount {
                    let v = UnsafeRawPointer(base + tapOffsets[depthStart + kk]).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
                    dst += 16
                }
            } else if split > 0 {
                // Lane j < split from run 1 at offsets[0] + j; lane j >= split from run 2,
                // read starting `split` floats before its first element so lanes line up.
                let first = image + Int(offsets[0])
                let second = image + (Int(offsets[split]) - split)
                let fromSecond = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(split)
                for kk in 0..<depthCount {
                    let tap = tapOffsets[depthStart + kk]
                    let v1 = UnsafeRawPointer(first + tap).loadUnaligned(as: SIMD16<Float>.self)
                    let v2 = UnsafeRawPointer(second + tap).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(dst).storeBytes(of: v1.replacing(with: v2, where: fromSecond), as: SIMD16<Float>.self)
                    dst += 16
                }
            } else {
                for kk in 0..<depthCount {
                    let src = image + tapOffsets[depthStart + kk]
                    for j in 0..<16 { dst[j] = src[Int(offsets[j])] }
                    dst += 16
                }
            }
        }
    }

    /// How many rows ahead `packContiguous` prefetches.
    static let prefetchRows = 4

    /// `pack` where B's rows are contiguous input spans. Rows are the outer loop, so the input
    /// is read one span at a time front to back, which the hardware prefetchers follow; the
    /// strip-outer order of `pack` touches every row once per strip and, when the input is not
    /// in cache (a large network), misses on each.
    @inline(__always)
    private func packContiguous(
        image: UnsafePointer<Float>, depthStart: Int, depthCount: Int,
        firstStrip: Int, stripCount: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        let fullStrips = stripCount - (firstStrip + stripCount == strips && runSplit[strips - 1] != 16 ? 1 : 0)
        let first = Int(pixelOffsets[firstStrip * 16])
        for kk in 0..<depthCount {
            let row = image + tapOffsets[depthStart + kk] + first
            // The row `prefetchRows` ahead: its first lines are otherwise demand misses (a new
            // short stream per row, which the hardware prefetchers pick up late).
            if kk + Self.prefetchRows < depthCount {
                let ahead = image + tapOffsets[depthStart + kk + Self.prefetchRows] + first
                var line = 0
                while line < stripCount * 16 {
                    ck_prefetch(ahead + line)
                    line += 16
                }
            }
            var dst = packed + kk * 16
            for s in 0..<fullStrips {
                let v = UnsafeRawPointer(row + s * 16).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
                dst += depthCount * 16
            }
            if fullStrips < stripCount {
                let offsets = pixelOffsets + (strips - 1) * 16
                let base = image + tapOffsets[depthStart + kk]
                for j in 0..<16 { dst[j] = base[Int(offsets[j])] }
            }
        }
    }

    /// Packs the im2col values of output pixels [firstPixel, +panelRows) over the whole
    /// reduction (`depth` rows) as one k-major panel of `panelRows` floats per row (the
    /// micro-kernel's panel height), for the channel-vector form; pixels past `pixels` repeat
    /// the last one.
    func packPixelPanel(
        image: UnsafePointer<Float>, depth: Int, firstPixel: Int, pixels: Int, panelRows: Int,
        into panel: UnsafeMutablePointer<Float>
    ) {
        if panelRows == 8 {
            packPixelPanel8(image: image, depth: depth, firstPixel: firstPixel, pixels: pixels, into: panel)
            return
        }
        if panelRows == 7 {
            packPixelPanel7(image: image, depth: depth, firstPixel: firstPixel, pixels: pixels, into: panel)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: panelRows) { buffer in
            let offsets = buffer.baseAddress!
            for r in 0..<panelRows { offsets[r] = Int(pixelOffsets[min(firstPixel + r, pixels - 1)]) }
            var dst = panel
            for k in 0..<depth {
                let base = image + tapOffsets[k]
                for r in 0..<panelRows { dst[r] = base[offsets[r]] }
                dst += panelRows
            }
        }
    }

    /// `packPixelPanel` for 7-pixel panels (the AVX-512 channel tile on 7×7 maps), offsets in registers.
    private func packPixelPanel7(
        image: UnsafePointer<Float>, depth: Int, firstPixel: Int, pixels: Int, into panel: UnsafeMutablePointer<Float>
    ) {
        let o0 = Int(pixelOffsets[min(firstPixel, pixels - 1)])
        let o1 = Int(pixelOffsets[min(firstPixel + 1, pixels - 1)])
        let o2 = Int(pixelOffsets[min(firstPixel + 2, pixels - 1)])
        let o3 = Int(pixelOffsets[min(firstPixel + 3, pixels - 1)])
        let o4 = Int(pixelOffsets[min(firstPixel + 4, pixels - 1)])
        let o5 = Int(pixelOffsets[min(firstPixel + 5, pixels - 1)])
        let o6 = Int(pixelOffsets[min(firstPixel + 6, pixels - 1)])
        var dst = panel
        for k in 0..<depth {
            let base = image + tapOffsets[k]
            dst[0] = base[o0]; dst[1] = base[o1]; dst[2] = base[o2]; dst[3] = base[o3]
            dst[4] = base[o4]; dst[5] = base[o5]; dst[6] = base[o6]
            dst += 7
        }
    }

    /// `packPixelPanel` for 8-pixel panels, offsets in registers.
    private func packPixelPanel8(
        image: UnsafePointer<Float>, depth: Int, firstPixel: Int, pixels: Int, into panel: UnsafeMutablePointer<Float>
    ) {
        let o0 = Int(pixelOffsets[min(firstPixel, pixels - 1)])
        let o1 = Int(pixelOffsets[min(firstPixel + 1, pixels - 1)])
        let o2 = Int(pixelOffsets[min(firstPixel + 2, pixels - 1)])
        let o3 = Int(pixelOffsets[min(firstPixel + 3, pixels - 1)])
        let o4 = Int(pixelOffsets[min(firstPixel + 4, pixels - 1)])
        let o5 = Int(pixelOffsets[min(firstPixel + 5, pixels - 1)])
        let o6 = Int(pixelOffsets[min(firstPixel + 6, pixels - 1)])
        let o7 = Int(pixelOffsets[min(firstPixel + 7, pixels - 1)])
        var dst = panel
        for k in 0..<depth {
            let base = image + tapOffsets[k]
            dst[0] = base[o0]; dst[1] = base[o1]; dst[2] = base[o2]; dst[3] = base[o3]
            dst[4] = base[o4]; dst[5] = base[o5]; dst[6] = base[o6]; dst[7] = base[o7]
            dst += 8
        }
    }
}
