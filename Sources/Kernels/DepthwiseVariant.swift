internal import CKernels

/// One instruction-set variant of the direct depthwise kernel (`CKDepthwise.h`): AVX-512,
/// AVX2 + FMA or portable C, chosen at run time like `MicroKernel` and under the same names,
/// so `ONNX_BLOCKS_KERNEL` pins both.
public struct DepthwiseVariant: @unchecked Sendable, Equatable, CustomStringConvertible {
    private let index: Int32
    /// "avx512", "avx2" or "portable".
    public let name: String

    private init(_ index: Int32) {
        self.index = index
        name = String(cString: ck_depthwise_name(index))
    }

    public var description: String { name }

    /// The variants this CPU can run, best first (the portable one always).
    public static let supported: [DepthwiseVariant] = (0..<ck_depthwise_count()).compactMap {
        ck_depthwise_supported($0) != 0 ? DepthwiseVariant($0) : nil
    }

    /// The variant named like `MicroKernel.preferred` (so a pinned micro-kernel pins this
    /// too), else the best supported one.
    public static let preferred: DepthwiseVariant =
        supported.first { $0.name == MicroKernel.preferred.name } ?? supported[0]

    /// Planes `planes` of a layer, every row.
    @inline(__always)
    func run(_ layer: inout CKDepthwiseLayer, planes: Range<Int>) {
        ck_depthwise_planes_at(index)(&layer, planes.lowerBound, planes.upperBound)
    }

    /// Output rows `rows` of one plane.
    @inline(__always)
    func run(_ plane: inout CKDepthwisePlane, rows: Range<Int>) {
        ck_depthwise_at(index)(&plane, rows.lowerBound, rows.upperBound)
    }
}
