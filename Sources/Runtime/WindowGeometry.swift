import Kernels
import ONNXIR
/// Spatial geometry shared by Conv and the pools: kernel, strides, dilations, pads (explicit
/// or `auto_pad`), ceil mode, and the output size they give. Spatial ranks 1...3 are padded
/// to 3 (depth, height, width) with size-1 leading dims so one loop nest serves all.
struct WindowGeometry: Equatable {
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padsBegin: [Int]
    var padsEnd: [Int]
    var input: [Int]
    var output: [Int]

    /// `autoPad` is the attribute string; `pads` the explicit list (begins then ends).
    init(input: [Int], kernel: [Int], strides: [Int]?, dilations: [Int]?, pads: [Int]?,
         autoPad: String, ceilMode: Bool = false) throws {
        let r = input.count
        guard r >= 1 && r <= 3 else { throw KernelError("\(r) spatial dimensions are not supported (1 to 3)") }
        guard kernel.count == r else { throw KernelError("kernel shape \(kernel) does not match \(r) spatial dimensions") }
        let strides = strides ?? Array(repeating: 1, count: r)
        let dilations = dilations ?? Array(repeating: 1, count: r)
        guard strides.count == r, dilations.count == r, strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }),
              kernel.allSatisfy({ $0 > 0 }) else {
            throw KernelError("strides \(strides), dilations \(dilations) or kernel \(kernel) are invalid for \(r) spatial dimensions")
        }
        var begin = [Int](repeating: 0, count: r), end = begin
        var output = [Int](repeating: 0, count: r)
        for k in 0..<r {
            let extent = (kernel[k] - 1) * dilations[k] + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                output[k] = (input[k] + strides[k] - 1) / strides[k]
                (begin[k], end[k]) = WindowArithmetic.samePadding(input: input[k], kernel: kernel[k], stride: strides[k],
                                                                  dilation: dilations[k], upper: autoPad == "SAME_UPPER")
            case "VALID":
                output[k] = WindowArithmetic.outputSize(input: input[k], kernel: kernel[k], stride: strides[k], dilation: dilations[k])
            case "NOTSET", "":
                if let pads {
                    guard pads.count == 2 * r, pads.allSatisfy({ $0 >= 0 }) else { throw KernelError("pads \(pads) are invalid for \(r) spatial dimensions") }
                    begin[k] = pads[k]; end[k] = pads[k + r]
                }
                let span = input[k] + begin[k] + end[k] - extent
                guard span >= 0 else { throw KernelError("the window (extent \(extent)) is larger than the padded input (\(input[k] + begin[k] + end[k]))") }
                output[k] = WindowArithmetic.outputSize(input: input[k], kernel: kernel[k], stride: strides[k], dilation: dilations[k],
                                                        padBegin: begin[k], padEnd: end[k], ceilMode: ceilMode)
            default:
                throw KernelError("unknown auto_pad '\(autoPad)'")
            }
        }
        let lead = 3 - r
        func pad3(_ v: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: lead) + v }
        self.kernel = pad3(kernel, 1)
        self.strides = pad3(strides, 1)
        self.dilations = pad3(dilations, 1)
        self.padsBegin = pad3(begin, 0)
        self.padsEnd = pad3(end, 0)
        self.input = pad3(input, 1)
        self.output = pad3(output, 1)
        self.spatialRank = r
    }

    var spatialRank: Int
    var outputSpatial: [Int] { Array(output.suffix(spatialRank)) }
    var inputSize: Int { input.reduce(1, *) }
    var outputSize: Int { output.reduce(1, *) }
    var kernelSize: Int { kernel.reduce(1, *) }
}
