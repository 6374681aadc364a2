internal import CKernels
import Foundation

/// The register-blocked inner product shared by `Conv2D`, `Gemm` and `WinogradConv3x3`: one
/// of the C variants in `CKernels` (AVX-512, AVX2 + FMA, portable), chosen at run time from
/// the CPU's features, so one binary built without CPU flags is fast on every host.
///
/// A tile of `rows` × 16 outputs is held in registers while the kernel walks the reduction
/// dimension. The tile's height is the variant's (`rows`: the C variant table is the one
/// source of truth), so everything packed for a kernel (weight panels) belongs to that kernel:
/// a `Conv2D` keeps the kernel it was packed for.
public struct MicroKernel: @unchecked Sendable, Equatable, CustomStringConvertible {
    private let descriptor: UnsafePointer<CKMicroKernel>
    /// Rows of a packed A panel (output channels per tile).
    public let rows: Int
    /// The variant's name: "avx512", "avx2" or "portable".
    public let name: String
    /// Strips its widest register tile multiplies at once (AVX-512: 3, the others 1).
    public let tileStrips: Int
    /// Columns of a packed B strip (output pixels per tile): 16 in every variant.
    public static let columns = 16
    /// Whether this is the AVX-512 variant on a CPU with two full-width FMA ports
    /// (`ck_two_zmm_fma_ports`), whose FMA rate is twice Zen 4's per cycle.
    public let hasTwoZmmFMAPorts: Bool

    private init(_ descriptor: UnsafePointer<CKMicroKernel>) {
        self.descriptor = descriptor
        rows = Int(descriptor.pointee.rows)
        name = String(cString: descriptor.pointee.name)
        tileStrips = Int(descriptor.pointee.tileStrips)
        hasTwoZmmFMAPorts = name == "avx512" && ck_two_zmm_fma_ports() != 0
        precondition(Int(descriptor.pointee.columns) == Self.columns, "micro-kernel \(name) has a strip width other than 16")
    }

    public var description: String { "\(name) (\(rows)×\(Self.columns))" }

    public static func == (a: MicroKernel, b: MicroKernel) -> Bool { a.descriptor == b.descriptor }

    /// Every variant compiled into this binary, best first.
    public static let compiled: [MicroKernel] = (0..<Int(ck_micro_kernel_count())).map {
        MicroKernel(ck_micro_kernel_at(Int32($0))!)
    }

    /// The variants this CPU can run, best first (the portable one always).
    public static let supported: [MicroKernel] = (0..<Int(ck_micro_kernel_count())).compactMap {
        ck_micro_kernel_supported(Int32($0)) != 0 ? MicroKernel(ck_micro_kernel_at(Int32($0))!) : nil
    }

    /// The supported variant called `name`, if any.
    public static func supported(named name: String) -> MicroKernel? {
        supported.first { $0.name == name }
    }

    /// Environment variable that pins the variant (for tests and benchmarks), e.g. `avx2`.
    public static let environmentKey = "ONNX_BLOCKS_KERNEL"

    /// The best variant this CPU supports, or the one named by `ONNX_BLOCKS_KERNEL` when the
    /// CPU supports it (otherwise a warning on stderr and the best one).
    public static let preferred: MicroKernel = {
        let best = supported[0]
        guard let requested = ProcessInfo.processInfo.environment[environmentKey], !requested.isEmpty else { return best }
        if let pinned = supported(named: requested) { return pinned }
        let names = supported.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(
            Data("warning: \(environmentKey)=\(requested) is not a micro-kernel this CPU runs (\(names)); using \(best.name)\n".utf8))
        return best
    }()

    /// Rows `rows` × `columns` columns of C for one depth block, panel by panel (each panel
    /// walks the strips front to back, so every output row is written as a sequential
    /// stream). `panels`: packed A from the panel of row `rows.lowerBound` on (panel i at
    /// i·self.rows·depth); `strips`: packed B (strip s at s·depth·16, C columns
    /// `firstColumn + 16·s` on).
    @inline(__always)
    func multiplyPanels(
        depth: Int, panels: UnsafePointer<Float>, rows range: Range<Int>,
        strips: UnsafePointer<Float>, firstColumn: Int, columns: Int,
        epilogue: TileEpilogue, first: Bool, last: Bool
    ) {
        if range.isEmpty || columns <= 0 { return }
        var e = epilogue.cEpilogue(first: first, last: last)
        descriptor.pointee.multiplyPanels!(
            depth, panels, range.lowerBound, range.count, strips, firstColumn, columns, &e)
        if last { epilogue.finish(rows: range, columns: firstColumn..<(firstColumn + columns)) }
    }

    /// Whether `multiplyPanelsInPlace` runs for blocks of `columns` columns: the AVX-512
    /// variant, with whole 16-column strips and at most a narrow last one (read column by
    /// column), so no read passes the block's last column.
    func readsInPlace(columns: Int) -> Bool {
        name == "avx512" && (columns % 16 == 0 || columns % 16 <= Int(CK_AVX512_NARROW_COLUMNS))
    }

    /// `multiplyPanels` with B read where it lies: row k of the block at `b + k·ldb`, column
    /// `firstColumn + j` at `b[j]`. - Precondition: `readsInPlace(columns:)`.
    @inline(__always)
    func multiplyPanelsInPlace(
        depth: Int, panels: UnsafePointer<Float>, rows range: Range<Int>, b: UnsafePointer<Float>, ldb: Int,
        firstColumn: Int, columns: Int, epilogue: TileEpilogue, first: Bool, last: Bool
    ) {
        if range.isEmpty || columns <= 0 { return }
        var e = epilogue.cEpilogue(first: first, last: last)
        ck_avx512_multiply_panels_in_place(depth, panels, range.lowerBound, range.count, b, ldb, firstColumn, columns, &e)
        if last { epilogue.finish(rows: range, columns: firstColumn..<(firstColumn + columns)) }
    }

    /// Whether `multiplyPanelsTaps` runs (the AVX-512 variant).
    var readsTaps: Bool { name == "avx512" }

    /// `multiplyPanels` with B read from a stride-1 convolution's zero-bordered input through
    /// its tap offsets, over virtual columns (`ck_avx512_multiply_taps`). - Precondition: `readsTaps`.
    @inline(__always)
    func multiplyPanelsTaps(
        depth: Int, panels: UnsafePointer<Float>, rows range: Range<Int>, image: UnsafePointer<Float>,
        offsets: UnsafePointer<Int>, virtualColumns: Range<Int>, paddedWidth: Int, width: Int,
        epilogue: TileEpilogue, first: Bool, last: Bool
    ) {
        if range.isEmpty || virtualColumns.isEmpty { return }
        var e = epilogue.cEpilogue(first: first, last: last)
        ck_avx512_multiply_taps(
            depth, panels, range.lowerBound, range.count, image, offsets, virtualColumns.lowerBound, virtualColumns.count,
            paddedWidth, width, &e)
    }

    /// One full tile into memory: `tile[r·16 + j] = Σ_k a[k·rows + r] · b[k·16 + j]`
    /// (`tile` holds rows × 16 floats).
    @inline(__always)
    func multiplyTile(depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, into tile: UnsafeMutablePointer<Float>) {
        descriptor.pointee.multiplyTile!(depth, a, b, tile)
    }

    /// The variant's Winograd F(m×m, 3×3) input transform (`CKWinogradInput`), m = 2 or 4.
    @inline(__always)
    func winogradInput(
        outputTile: Int, padded: UnsafePointer<Float>, phaseWidth: Int, tileRows: Range<Int>, tileColumns: Int,
        into v: UnsafeMutablePointer<Float>, xiStride: Int
    ) {
        let transform = outputTile == 2 ? descriptor.pointee.winogradInput! : descriptor.pointee.winograd4Input!
        transform(padded, phaseWidth, tileRows.lowerBound, tileRows.upperBound, tileColumns, v, xiStride)
    }

    /// Columns 0, 2, 4, ... of `rows` rows `pitch` floats apart, `outWidth` of them a row, into
    /// consecutive rows of `target` (`CKSubsample2`).
    @inline(__always)
    func subsample2(
        _ source: UnsafePointer<Float>, pitch: Int, rows: Int, outWidth: Int, into target: UnsafeMutablePointer<Float>
    ) {
        descriptor.pointee.subsample2!(source, pitch, rows, outWidth, target)
    }

    /// Stores a zero-bordered row as the four column phases F(4×4, 3×3) reads (`CKWinogradSplit`).
    @inline(__always)
    func winograd4Split(_ line: UnsafePointer<Float>, phaseWidth: Int, into phases: UnsafeMutablePointer<Float>) {
        descriptor.pointee.winograd4Split!(line, phaseWidth, phases)
    }

    /// The variant's Winograd F(m×m, 3×3) output transform (`CKWinogradOutput`), m = 2 or 4, with
    /// bias, residual and `activation` (clamp-type ones in C, the others over the rows written).
    @inline(__always)
    func winogradOutput(
        outputTile: Int, products: UnsafePointer<Float>, xiStride: Int, tileRows: Range<Int>, tileColumns: Int,
        bias: Float, output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, outHeight: Int,
        outWidth: Int, activation: Activation
    ) {
        let clamp = activation.clampBounds
        let transform = outputTile == 2 ? descriptor.pointee.winogradOutput! : descriptor.pointee.winograd4Output!
        transform(
            products, xiStride, tileRows.lowerBound, tileRows.upperBound, tileColumns, bias, output, residual,
            outHeight, outWidth, clamp?.lower ?? -.infinity, clamp?.upper ?? .infinity)
        if clamp == nil {
            let firstRow = min(outHeight, outputTile * tileRows.lowerBound)
            let endRow = min(outHeight, outputTile * tileRows.upperBound)
            activation.apply(output + firstRow * outWidth, count: (endRow - firstRow) * outWidth)
        }
    }
}
