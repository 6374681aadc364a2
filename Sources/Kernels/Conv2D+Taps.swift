/// The direct form without packing B, for convolutions on maps at least 16 wide with few input
/// rows per tile (Inception's 3×3 stems at 147×147 and its 32- to 48-channel branch layers at
/// 35×35; strided: ResNet's 7×7/2 stem and the 3×3/2 stems on 3 channels).
///
/// Counting output pixels in virtual columns v = oy · pitch + ox, im2col element (k, v) is
/// `image[offsets[k] + v]`: for stride 1 the zero-bordered input (`ColumnSource`, pitch its
/// padded width), for larger strides its stride phases (`PhasePlanes`, pitch a phase's width).
/// Each tap's strip is one vector load, so the AVX-512 kernel (`ck_avx512_multiply_taps`) reads
/// B where it lies and the packing pass goes; the few virtual columns past each output row's
/// end are computed and dropped at the store. Packing had been 15–20% of the stride-1 layers'
/// time (`perf`, one Emerald Rapids core), repeated for every pixel block of few output channels.
extension Conv2D {
    /// Whether `s` suits the form: no dilation, not 1×1 (those read their input in place
    /// already, or pack cheaply), outputs at least 16 wide (a strip crosses one row end at
    /// most), few enough input rows per tile (`maximumTapRows`; a strided kernel row reads one
    /// row of each column phase it touches), strides no larger than the kernel (so the stride
    /// phases hold at most 4× the padded input: a stride of 10⁶ would make 10⁶ phases), and a
    /// kernel that has it.
    static func readsTaps(_ s: Conv2DShape, microKernel: MicroKernel) -> Bool {
        microKernel.readsTaps && s.dilationHeight == 1 && s.dilationWidth == 1
            && s.strideHeight <= s.kernelHeight && s.strideWidth <= s.kernelWidth
            && s.kernelHeight * s.kernelWidth > 1 && s.outWidth >= MicroKernel.columns
            && s.inChannelsPerGroup * s.kernelHeight * min(s.kernelWidth, s.strideWidth) <= maximumTapRows
    }

    /// The most input rows (channels × kernel rows) one 8 × 48 tile reads across its reduction:
    /// about 4 lines each, 24 KB at 96, half of L1, where the tile re-reads them for every tap
    /// of the row. 32 → 32, 32 → 48 and 32 → 64 3×3 layers (96 rows) ran 0.73–0.88× packing's
    /// time; Inception-V4's 64 → 96 at 73×73 (192 rows) 1.12× (`kernel-bench`, seven
    /// alternations of the two builds, one Emerald Rapids core). Strided layers past it lose
    /// too: Inception's 3×3/2 reductions (64 → 96 at 147, 192 → 192 at 71, 288 / 320 → 384 at
    /// 35) ran 1.08–1.6× packing's time reading their phases (`kernel-bench --ab --ab-packed`).
    static let maximumTapRows = 96

    /// The taps' virtual row pitch: the padded width, or a stride phase's width.
    var tapPitch: Int { phasePlanes?.width ?? columns.paddedWidth }

    /// Per k of one group: tap k's offset in the image the taps read.
    var tapOffsets: UnsafePointer<Int> { UnsafePointer(phasePlanes?.tapOffsets ?? columns.tapOffsets) }

    /// Virtual columns of one image: every output row `tapPitch` long, but the last.
    var virtualColumns: Int {
        (shape.outHeight - 1) * tapPitch + shape.outWidth
    }

    /// One work item of the form: output rows `rows` × virtual columns `block` of one image and group.
    func computeTapsBlock(
        image: UnsafePointer<Float>, groupPanels: UnsafePointer<Float>, virtualColumns block: Range<Int>,
        rows: Range<Int>, epilogue: TileEpilogue, blocking b: Blocking
    ) {
        let mr = microKernel.rows
        let depth = b.depth
        var k0 = 0
        while k0 < depth {
            let kc = min(b.depthBlock, depth - k0)
            let blockPanels = groupPanels + k0 * b.rowsPadded
            var m0 = rows.lowerBound
            while m0 < rows.upperBound {
                let m1 = min(rows.upperBound, m0 + b.rowBlock)
                microKernel.multiplyPanelsTaps(
                    depth: kc, panels: blockPanels + (m0 / mr) * mr * kc, rows: m0..<m1, image: image,
                    offsets: tapOffsets + k0, virtualColumns: block, paddedWidth: tapPitch,
                    width: shape.outWidth, epilogue: epilogue, first: k0 == 0, last: k0 + kc == depth)
                m0 = m1
            }
            k0 += kc
        }
    }
}
