import Foundation
@testable import Kernels
import Testing

/// Every micro-kernel variant this CPU runs (the C AVX-512, AVX2 and portable ones) must compute
/// the same tile as a plain double-precision loop.
@Test("Micro-kernel tile matches a scalar product", arguments: MicroKernel.supported)
func microKernelTile(_ kernel: MicroKernel) {
    let depth = 37
    let mr = kernel.rows
    var values = SeededValues(seed: 99)
    let a = values.array(depth * mr)
    let b = values.array(depth * 16)
    var tile = [Float](repeating: .nan, count: mr * 16)
    kernel.multiplyTile(depth: depth, a: a, b: b, into: &tile)
    var expected: [Float] = []
    for r in 0..<mr {
        for j in 0..<16 {
            var sum: Double = 0
            for k in 0..<depth { sum += Double(a[k * mr + r]) * Double(b[k * 16 + j]) }
            expected.append(Float(sum))
        }
    }
    #expect(worstViolation(tile, expected) <= 1)
}

/// One panels-call case: which epilogue terms, where the block sits in the reduction.
struct PanelsCase: CustomTestStringConvertible, Sendable {
    var name: String
    var alpha: Float = 1, beta: Float = 0
    var bias = false, residual = false
    var activation: Activation = .none
    var first = true, last = true
    var testDescription: String { name }
}

let panelsCases: [PanelsCase] = [
    PanelsCase(name: "plain"),
    PanelsCase(name: "bias + residual + relu", bias: true, residual: true, activation: .relu),
    PanelsCase(name: "clip, first block only", bias: true, activation: .clip(min: -0.5, max: 0.5), last: false),
    PanelsCase(name: "later block accumulates, clip", residual: true, activation: .clip(min: -1, max: 2), first: false),
    PanelsCase(name: "middle block", bias: true, first: false, last: false),
    PanelsCase(name: "alpha and beta", alpha: -0.5, beta: 2, bias: true),
    PanelsCase(name: "leaky relu after the store", residual: true, activation: .leakyRelu(alpha: 0.1)),
    PanelsCase(name: "sigmoid after the store", alpha: 2, activation: .sigmoid),
]

/// Rows past whole panels and columns past whole strips (and past whole pairs of strips)
/// take the partial-tile stores; the C store must follow `TileEpilogue`'s rules exactly.
@Test("Micro-kernel panels with every epilogue match a scalar product", arguments: panelsCases, MicroKernel.supported)
func microKernelPanels(_ c: PanelsCase, _ kernel: MicroKernel) {
    checkPanels(c, kernel, columns: 3 * 16 + 5)
}

/// Blocks whose last strip holds 1-4 columns (17×17 maps: 289 = 18·16 + 1), which the AVX-512
/// variant multiplies column by column, and a few around them; depths with and without a
/// remainder of its four-way unrolled reduction.
@Test("Micro-kernel panels with narrow last strips match a scalar product", arguments: MicroKernel.supported)
func microKernelNarrowTails(_ kernel: MicroKernel) {
    for columns in [1, 2, 3, 4, 5, 17, 18, 19, 20, 21, 33, 34, 36, 49, 81, 289] {
        for depth in [1, 3, 4, 29, 64] {
            checkPanels(panelsCases[1], kernel, columns: columns, depth: depth)
            checkPanels(panelsCases[3], kernel, columns: columns, depth: depth)
        }
    }
}

/// Reductions of 32 and deeper, which the AVX-512 variant multiplies three strips at a time (an
/// 8 × 48 tile; from 256, prefetching the next triple's C and residual lines), and 31 (pairs):
/// blocks of whole triples, triples with a partial third strip, a pair or single strip after them,
/// and a narrow tail: a single last column (49, 97, 145, 289 after triples; 33, 81, 129 after a
/// pair) rides along with the last triple or pair; with every epilogue.
@Test("Micro-kernel panels over deep reductions (three strips at a time) match a scalar product",
      arguments: MicroKernel.supported)
func microKernelDeepTriples(_ kernel: MicroKernel) {
    for columns in [33, 40, 47, 48, 49, 64, 80, 81, 96, 97, 100, 129, 145, 195, 196, 289] {
        for depth in [31, 32, 33, 64, 127, 128, 131, 256, 300] {
            // Every epilogue mix (each a form of the AVX-512 tile writer) on the 8 × 48 tiles.
            for c in panelsCases { checkPanels(c, kernel, columns: columns, depth: depth) }
        }
    }
}

func checkPanels(_ c: PanelsCase, _ kernel: MicroKernel, columns: Int, depth: Int = 29) {
    let mr = kernel.rows
    let rows = 2 * mr + 3, ldc = columns + 4, row0 = mr, column0 = 2
    var values = SeededValues(seed: UInt64(rows * 100 + mr))
    let a = values.array(rows * depth)
    let b = values.array(depth * columns)
    let bias = values.array(row0 + rows)
    let residual = values.array((row0 + rows) * ldc)
    let old = values.array((row0 + rows) * ldc)
    var expected = old
    for i in 0..<rows {
        for j in 0..<columns {
            var sum: Double = 0
            for k in 0..<depth { sum += Double(a[i * depth + k]) * Double(b[k * columns + j]) }
            let index = (row0 + i) * ldc + column0 + j
            var x = c.alpha * Float(sum)
            if !c.first {
                x += old[index]
            } else {
                if c.beta != 0 { x += c.beta * old[index] }
                if c.bias { x += bias[row0 + i] }
                if c.residual { x += residual[index] }
            }
            expected[index] = c.last ? c.activation.apply(x) : x
        }
    }
    var panels = [Float](repeating: 0, count: PackedPanels.floatCount(rows: rows, depth: depth, panelRows: mr))
    PackedPanels.pack(rows: rows, depth: depth, panelRows: mr, source: a, rowStride: depth, depthStride: 1, into: &panels)
    let stripsFloats = (columns + 15) / 16 * 16 * depth
    var strips = [Float](repeating: .nan, count: stripsFloats)
    Gemm.packStrips(source: b, depthStride: columns, columnStride: 1, depth: depth, columns: columns, into: &strips)
    var actual = old
    actual.withUnsafeMutableBufferPointer { out in
        bias.withUnsafeBufferPointer { biasBuffer in
            residual.withUnsafeBufferPointer { residualBuffer in
                let epilogue = TileEpilogue(
                    c: out.baseAddress!, ldc: ldc, alpha: c.alpha, beta: c.beta,
                    bias: c.bias ? biasBuffer.baseAddress! : nil, residual: c.residual ? residualBuffer.baseAddress! : nil,
                    activation: c.activation)
                kernel.multiplyPanels(
                    depth: depth, panels: panels, rows: row0..<(row0 + rows), strips: strips, firstColumn: column0,
                    columns: columns, epilogue: epilogue, first: c.first, last: c.last)
            }
        }
    }
    // Outside the block nothing changed; inside, the rule.
    #expect(worstViolation(actual, expected) <= 1, "\(c.name) with \(kernel), \(columns) columns, depth \(depth)")
}

@Test("A NaN product stays NaN through the ReLU clamp", arguments: MicroKernel.supported)
func microKernelClampKeepsNaN(_ kernel: MicroKernel) {
    let mr = kernel.rows, depth = 3
    var a = [Float](repeating: 1, count: mr * depth)
    a[0] = .nan  // row 0, k 0
    let b = [Float](repeating: -1, count: 16 * depth)
    var c = [Float](repeating: 7, count: mr * 16)
    c.withUnsafeMutableBufferPointer { out in
        kernel.multiplyPanels(
            depth: depth, panels: a, rows: 0..<mr, strips: b, firstColumn: 0, columns: 16,
            epilogue: TileEpilogue(c: out.baseAddress!, ldc: 16, activation: .relu), first: true, last: true)
    }
    #expect(c[0..<16].allSatisfy { $0.isNaN })
    #expect(c[16...].allSatisfy { $0 == 0 })
}

/// The CPU's own feature list (an independent source) says which variants must be offered.
@Test("The supported micro-kernels follow the CPU's features")
func microKernelVariantsFollowCPUFeatures() throws {
    let supported = MicroKernel.supported.map(\.name)
    #expect(supported.last == "portable")
    #expect(MicroKernel.supported.contains(MicroKernel.preferred))
    #expect(MicroKernel.compiled.allSatisfy { $0.rows >= 1 })
    #if arch(x86_64) && os(Linux)
    let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
    let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    #expect(supported.contains("avx512") == (flags.contains("avx512f") && flags.contains("avx512vl")))
    #expect(supported.contains("avx2") == (flags.contains("avx2") && flags.contains("fma")))
    #expect(MicroKernel.compiled.map(\.name) == ["avx512", "avx2", "portable"])
    #expect(MicroKernel.compiled.map(\.rows) == [8, 6, 6])
    // Two 512-bit FMA ports (`ck_two_zmm_fma_ports`, from CPUID) against the kernel's own
    // vendor, family and model: Intel's AVX-512 server cores, AMD from family 26 (Zen 5).
    func field(_ prefix: String) -> String? {
        cpuinfo.split(separator: "\n").first { $0.hasPrefix(prefix) }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    let vendor = field("vendor_id"), family = Int(field("cpu family") ?? ""), model = Int(field("model\t") ?? "")
    let serverIntel = vendor == "GenuineIntel" && family == 6 && [0x55, 0x6A, 0x6C, 0x8F, 0xCF, 0xAD, 0xAE].contains(model ?? -1)
    let zen5On = vendor == "AuthenticAMD" && (family ?? 0) >= 26
    let avx512 = try #require(MicroKernel.compiled.first { $0.name == "avx512" })
    #expect(avx512.hasTwoZmmFMAPorts == (supported.contains("avx512") && (serverIntel || zen5On)),
            "vendor \(vendor ?? "?"), family \(family ?? -1), model \(model ?? -1)")
    #endif
}

/// The L2 size the in-place limit follows (`CacheSize`, from `sysconf`) against the kernel's
/// sysfs entry for cpu0's level-2 cache (an independent source), where Linux has one.
@Test("The L2 size follows the kernel's cache description")
func l2SizeFollowsSysfs() throws {
    #if os(Linux)
    let base = "/sys/devices/system/cpu/cpu0/cache"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    let l2 = entries.filter { $0.hasPrefix("index") }.compactMap { entry -> Int? in
        func read(_ name: String) -> String? {
            (try? String(contentsOfFile: "\(base)/\(entry)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard read("level") == "2", read("type") != "Instruction", let size = read("size"), size.hasSuffix("K"),
              let kilobytes = Int(size.dropLast()) else { return nil }
        return kilobytes << 10
    }.first
    if let l2 {
        #expect(CacheSize.l2Bytes == l2)
    } else {
        #expect((256 << 10)...(64 << 20) ~= CacheSize.l2Bytes, "no sysfs L2 entry: sysconf's or the 1 MB default")
    }
    #endif
}
