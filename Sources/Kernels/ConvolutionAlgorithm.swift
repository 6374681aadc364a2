/// How a `Conv2D` computes its outputs; `choose` is the one place that picks it per shape.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Packed im2col GEMM, 16 output pixels per strip (any shape).
    case pixelStrips
    /// Packed im2col GEMM with the operands swapped, 16 output channels per strip
    /// (`Conv2D+ChannelStrips`, small maps with long reductions).
    case channelStrips
    /// Winograd F(2×2, 3×3): 16 GEMMs on 4×4 tiles (`WinogradConv3x3`).
    case winograd2x2
    /// Winograd F(4×4, 3×3): 36 GEMMs on 6×6 tiles (`WinogradConv3x3`).
    case winograd4x4
    /// Winograd F(m, r) along the axis of a 1×r or r×1 kernel: m + r - 1 GEMMs
    /// (`WinogradLineConv`).
    case winogradLine

    public var description: String { rawValue }

    /// Whether this algorithm computes `s` at all (not whether it is fast there).
    public func supports(_ s: Conv2DShape) -> Bool {
        switch self {
        case .pixelStrips, .channelStrips: return true
        case .winograd2x2, .winograd4x4:
            return s.kernelHeight == 3 && s.kernelWidth == 3 && s.strideHeight == 1 && s.strideWidth == 1
                && s.dilationHeight == 1 && s.dilationWidth == 1 && s.groups == 1
        case .winogradLine:
            return WinogradLineConv.supports(s)
        }
    }

    /// The algorithm for `s` with `microKernel`'s panels and tiles, by measurement
    /// (`kernel-bench --algorithm A --ab --ab-algorithm B`, one core, README "Speed"):
    /// - F(4×4) on maps of at least `winograd4MinimumSide` outputs a side with
    ///   `winograd4MinimumChannels`+ input and output channels: 1.34–1.48× faster than F(2×2)
    ///   at 35×35–73×73 with 64–256 channels.
    /// - F(2×2) on such maps with 32–63 channels (the Inception stems' and branches' 32–48
    ///   channel layers): 1.1–1.4× faster than the direct form. F(4×4) would be 1.25–1.5× faster
    ///   still there, but its rounding error on these first layers is 6× the direct form's (the
    ///   75-pixel Inception-ResNet-V1 of `build`: the 32 → 32 stem layer's output 7.9e-7 rms
    ///   from a float64 evaluation against onnxruntime's 1.2e-7) and carries to the logits,
    ///   which then missed the equivalence rule against onnxruntime on an AVX2 host (1.04–1.14×
    ///   the bound on one element; 0.70 with F(2×2) there).
    /// - F(2×2) on smaller maps with 64+ channels. There F(4×4) gains less (1.13× at 14×14 and
    ///   17×17, none with 32 channels at 14×14, half F(2×2)'s speed at 7×7, whose 4 tiles fill a
    ///   quarter of a 16-column strip) for 2.25× F(2×2)'s transformed weights (36 ξ against
    ///   16: +32 MB of ResNet50's peak RSS at 14×14) and its larger rounding error (the
    ///   exported 75-pixel Inception-ResNet-V1 test's logits, whose 15×15 stem layer it would
    ///   take, then missed the equivalence rule: 2.1e-5 against a ~2e-5 bound).
    /// - 1×7 / 7×1 stride-1 convolutions with 32+ input and output channels (the factorized
    ///   layers of Inception-V3/V4 and Inception-ResNet): the 1-D F(3, 7) or F(6, 7), see `lineOutputTile`
    ///   and `choosesLine` (1×3 / 3×1 ones with small filters: F(4, 3)), but not where the
    ///   direct form reads taps on two 512-bit FMA ports (`tapsOutrunLine`).
    /// - With two 512-bit FMA ports (`MicroKernel.hasTwoZmmFMAPorts`): the direct form instead of
    ///   F(2×2) on such maps with 32–47 channels (`directOutrunsWinograd2`), F(4×4) on them for
    ///   64+ outputs from 32–63 inputs (`winograd4OutrunsDirect`), and where F(2×2)'s
    ///   tiles fill one strip at most (`directOutrunsWinograd2OnSmallMap`: ResNet's 7×7 stage,
    ///   Inception-V3's 8×8 one).
    /// - Otherwise the channel-vector form where it fills the tile better, else pixel strips
    ///   (with two 512-bit FMA ports and 256+ outputs: pixel strips, `channelTileLosesToPixelStrips`).
    public static func choose(for s: Conv2DShape, microKernel: MicroKernel) -> ConvolutionAlgorithm {
        if ConvolutionAlgorithm.winograd2x2.supports(s) {
            let channels = min(s.inChannels, s.outChannels), side = min(s.outHeight, s.outWidth)
            let wideMap = side >= winograd4MinimumSide
            if wideMap && channels >= winograd4MinimumChannels { return .winograd4x4 }
            if winograd4OutrunsDirect(s, microKernel: microKernel) { return .winograd4x4 }
            if channels >= (wideMap ? 32 : 64) && !directOutrunsWinograd2(channels: channels, wideMap: wideMap, microKernel: microKernel)
                && !directOutrunsWinograd2OnSmallMap(s, microKernel: microKernel) {
                return .winograd2x2
            }
        }
        if ConvolutionAlgorithm.winogradLine.supports(s) && choosesLine(taps: max(s.kernelHeight, s.kernelWidth), weights: s.weightCount, microKernel: microKernel)
            && min(s.inChannels, s.outChannels) >= 32 && !tapsOutrunLine(s, microKernel: microKernel) {
            return .winogradLine
        }
        // The AVX-512 C channel tile pays from a 128-deep reduction, the Swift form from 256
        // and only against pixel strips without a narrow tail. With two 512-bit FMA ports and
        // 256+ outputs the pixel strips' narrow tail counts as well (`channelTileLosesToPixelStrips`).
        let channelTile = Conv2D.hasChannelTile(microKernel)
        return Conv2D.prefersChannelStrips(
            s, panelRows: microKernel.rows, minimumDepth: channelTile ? 128 : 256,
            narrowTails: !channelTile || channelTileLosesToPixelStrips(s, microKernel: microKernel))
            ? .channelStrips : .pixelStrips
    }

    /// Whether a 3×3 layer F(2×2) would take goes direct instead, on two 512-bit FMA ports
    /// (`MicroKernel.hasTwoZmmFMAPorts`): maps of at most 16 F(2×2) tiles, where each of F(2×2)'s
    /// 16 GEMMs is one 16-column strip streaming its transformed weights (16/9 of the filters,
    /// from memory in a network) for those 16 columns alone, while the direct pixel strips use
    /// each weight across the whole map with the 8 × 48 tile. `kernel-bench --cold-weights
    /// --algorithm winograd2x2 --ab --ab-algorithm pixelStrips`, one Emerald Rapids core, three
    /// alternations: Inception-V3's 448 → 384 at 8×8 1.27–1.67× faster direct, ResNet50's 512 →
    /// 512 at 7×7 1.6–1.8×; at 14×14 (49 tiles) and 17×17 (81) F(2×2) stays 1.3–1.5× faster.
    /// Cores with one zmm FMA a cycle (Zen 4) keep F(2×2), the choice measured there.
    static func directOutrunsWinograd2OnSmallMap(_ s: Conv2DShape, microKernel: MicroKernel) -> Bool {
        let tiles = ((s.outHeight + 1) / 2) * ((s.outWidth + 1) / 2)
        return tiles <= MicroKernel.columns && microKernel.hasTwoZmmFMAPorts
    }

    /// Whether the AVX-512 channel tile (8 pixels × 32 channels, 16 accumulators) loses to pixel
    /// strips even where they end in a narrow tail: with two 512-bit FMA ports, whose 8 × 48
    /// triple keeps 24 accumulators busy, for 256 or more output channels. `kernel-bench
    /// --cold-weights --algorithm pixelStrips --ab --ab-algorithm channelStrips`, one Emerald Rapids
    /// core, two or three alternations each: pixel strips ran ResNet50's 7×7 layers 1.12–1.33×
    /// faster (3×3 512 → 512 1.25–1.4×), Inception-ResNet-V2's merged 2080 → 384 at 8×8
    /// 1.12–1.24×, MobileNetV2's 320 → 1280 at 7×7 1.2×, and on two threads 1.04–1.2× (2048 → 512,
    /// 512 → 2048, 448 → 2080, 2080 → 384, 3×3 512 → 512). With 160 or 192 outputs (960 → 160,
    /// 2080 → 192) pixel strips won on one thread (1.04–1.2×) but lost on two (1.03–1.45×), whose
    /// row split leaves each thread 10–12 panels: those keep the channel tile.
    static func channelTileLosesToPixelStrips(_ s: Conv2DShape, microKernel: MicroKernel) -> Bool {
        microKernel.hasTwoZmmFMAPorts && s.outChannelsPerGroup >= 256
    }

    /// Whether the direct form outruns F(2×2) on a map of 24+ outputs a side with fewer than 48
    /// channels: with two 512-bit FMA ports the direct GEMM runs twice as many FMAs a cycle as on
    /// Zen 4 while F(2×2)'s transforms do not speed up. One Emerald Rapids core, `kernel-bench
    /// --algorithm winograd2x2 --ab --ab-algorithm pixelStrips`, three alternations: Inception's
    /// 32 → 32 at 147×147 and 35×35, 32 → 48 at 35×35 1.16–1.33× faster direct, 32 → 64 at 147×147
    /// 1.1–1.2×, 48 → 64 at 35×35 even (so 48+ channels keep F(2×2)). On Zen 4 F(2×2) was 1.1–1.4×
    /// faster than the direct form there.
    static func directOutrunsWinograd2(channels: Int, wideMap: Bool, microKernel: MicroKernel) -> Bool {
        wideMap && channels < 48 && microKernel.hasTwoZmmFMAPorts
    }

    /// Whether a 3×3 layer on a map of 24+ outputs a side with 32–63 input channels (below
    /// `winograd4MinimumChannels`) and 64 or more outputs takes F(4×4), on two 512-bit FMA ports:
    /// Inception's 32 → 64 stem layer at 147×147, which went direct there
    /// (`directOutrunsWinograd2`), and Inception-ResNet's 48 → 64 branch layers at 35×35, which
    /// took F(2×2). `kernel-bench --cold-weights --ab`, one Emerald Rapids host, one and two
    /// threads: the stem layer 1.14–1.28× faster than its direct form (which reads its taps at
    /// 95–190 GFLOP/s-equivalent), the 48 → 64 layers 1.10–1.30× faster than F(2×2); in the
    /// networks (lockstep A/B) the stem took 0.82× its time (Inception-V3, one thread) and 0.90×
    /// (Inception-ResNet-V2, two threads), the ten 48 → 64 layers 0.89–0.95× (one thread).
    /// Their rounding stays far inside the rule: the logits of the full-size Inception-V3 / -V4 /
    /// -ResNet-V2 against onnxruntime 0.017–0.023 of the tolerance on one and two threads (as
    /// before), the exported 75-pixel Inception-ResNet-V1 0.61–0.68 of the bound (0.81 direct;
    /// its error comes from elsewhere). With fewer outputs (32 → 32, 32 → 48) the direct form
    /// stays faster (F(4×4) 0.85–1.0×), and there F(4×4) had carried that model's logits past the
    /// rule on an AVX2 host (see `choose`).
    static func winograd4OutrunsDirect(_ s: Conv2DShape, microKernel: MicroKernel) -> Bool {
        min(s.outHeight, s.outWidth) >= winograd4MinimumSide && microKernel.hasTwoZmmFMAPorts
            && s.inChannels >= 32 && s.outChannels >= 64
    }

    /// m of the 1-D F(m, r) for an r-tap filter (`winogradLine`), by measurement on Inception's
    /// shapes (`kernel-bench --algorithm winogradLine --ab --ab-algorithm pixelStrips`, one
    /// AVX-512 core): 1×7 / 7×1 at 17×17 F(2, 7) 1.17×, F(3, 7) 1.55×, F(4, 7) 1.58× the direct
    /// form's speed; F(3, 7) is taken, whose transforms' entries (≤ 17.5 in Bᵀ, 9 in Aᵀ) round
    /// half as much as F(4, 7)'s (≤ 52.5, 27). 1×3 / 3×1 at 8×8: F(4, 3) 1.30–1.43×, F(2, 3)
    /// 1.07–1.18×, F(6, 3) 1.06–1.16×.
    ///
    /// With two 512-bit FMA ports (`MicroKernel.hasTwoZmmFMAPorts`) 7 taps take F(6, 7): on a
    /// 17-long axis its 3 tiles do 12 · 3 = 36 multiplications per position across against
    /// F(3, 7)'s 9 · 6 = 54, and their 3 · 17 = 51 GEMM columns end in 3 columns that ride along
    /// (`CK_AVX512_NARROW_COLUMNS`) where F(3, 7)'s 102 ended in a 6-column strip. One Emerald
    /// Rapids core, `kernel-bench --ab` of the two tiles: Inception-ResNet's 1×7 128 → 160 and
    /// 7×1 160 → 192 and Inception-V4's 1×7 224 → 256 at 17×17 1.10–1.30× as fast (F(4, 7):
    /// 1.05–1.08×, F(5, 7), 68 columns: slower); whole networks, alternating runs: Inception-V4
    /// 0.89–0.94 the time, InceptionV3 0.96–0.98, Inception-ResNet-V2 0.97–1.0. Its error on
    /// those layers (random weights of the layers' scale, against the float64 reference) is 2.4×
    /// F(3, 7)'s rms (6e-6 on outputs up to 4; 0.12–0.25 of the scale rule, F(3, 7) 0.06–0.08),
    /// the networks' logits as close to onnxruntime's as before (`tools/check_bench_logits.py`).
    /// On long axes F(6, 7) lost: Inception-V4's 7×1 64 → 64 at 73×73 took 1.2× F(3, 7)'s time
    /// (13 tile rows of 73 positions, a block of tile rows each, 12 small GEMMs per block), so
    /// it is taken up to `shortLineLength` outputs along the axis. Elsewhere (AVX2, one 512-bit
    /// port) F(6, 7) was not measured and F(3, 7) stays.
    /// - Parameter length: the output's length along the kernel's axis.
    public static func lineOutputTile(taps: Int, length: Int, microKernel: MicroKernel) -> Int {
        if taps == 7 && length <= shortLineLength && microKernel.hasTwoZmmFMAPorts { return 6 }
        switch taps {
        case 3: return 4
        case 7: return 3
        default: return 2
        }
    }

    /// Whether the 1-D form is chosen for an r-tap filter of `weights` weights: 7 taps always;
    /// 3 taps only up to `smallLineFilterWeights`. F(4, 3)'s transformed weights are 2× the
    /// filters (and the runtime keeps the filters too, see `Conv2D.recoverWeights`): on all
    /// 1×3 / 3×1 layers that was +67 MB of Inception-V4's peak RSS (417 → 492 MB, above
    /// onnxruntime's 464) for about 1% of its time; F(3, 7)'s cost 8 MB there. Inception-ResNet's
    /// 192 → 224 and 224 → 256 (≤ 172K weights) take it: +24 MB in all, lockstep A/B 0.99.
    ///
    /// With two 512-bit FMA ports (`MicroKernel.hasTwoZmmFMAPorts`) 3 taps never: in a network
    /// the transformed weights come from memory, and there the direct form ran Inception-ResNet's
    /// 1×3 192 → 224 and 3×1 224 → 256 at 8×8 1.3–1.7× faster than F(4, 3) (`kernel-bench
    /// --cold-weights --algorithm winogradLine --ab --ab-algorithm pixelStrips`, one Emerald Rapids
    /// core; from cache F(4, 3) was 1.0–1.25× faster), with twice the FMA rate to spend.
    static func choosesLine(taps: Int, weights: Int, microKernel: MicroKernel) -> Bool {
        taps == 7 || (taps == 3 && weights <= smallLineFilterWeights && !microKernel.hasTwoZmmFMAPorts)
    }

    /// Whether a layer the 1-D F(m, r) would take goes direct instead, on two 512-bit FMA ports,
    /// where the direct form reads its input through tap offsets (`Conv2D.readsTaps`: a 1×7 layer
    /// with at most 96 input channels): Inception-V4's stem 1×7 64 → 64 at 73×73 ran 1.15–1.2×
    /// faster direct on one Emerald Rapids core, 1.08–1.4× on two (`kernel-bench --cold-weights
    /// --ab --ab-algorithm pixelStrips`, three alternations each); its 7×1 twin, whose 448 input
    /// rows per tile pack B, was even. (A non-clamp activation would pack B too; no network here
    /// has one on such a layer.)
    static func tapsOutrunLine(_ s: Conv2DShape, microKernel: MicroKernel) -> Bool {
        microKernel.hasTwoZmmFMAPorts && Conv2D.readsTaps(s, microKernel: microKernel)
    }

    /// The largest 1×3 / 3×1 filter (in weights, 1 MB) the 1-D F(4, 3) is chosen for;
    /// Inception-V4's (295K–688K) keep the direct form.
    static let smallLineFilterWeights = 256 * 1024

    /// The longest axis (outputs) on which 7 taps take F(6, 7) (`lineOutputTile`): three tiles.
    public static let shortLineLength = 18
    /// The smallest output side F(4×4, 3×3) is chosen for.
    public static let winograd4MinimumSide = 24
    /// Fewest input and output channels for F(4×4) (see `choose`: accuracy below it).
    public static let winograd4MinimumChannels = 64
}
