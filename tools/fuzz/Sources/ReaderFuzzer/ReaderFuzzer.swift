import CFuzzerDriver
import Foundation
import ONNXIR
import ONNXProtobuf

/// libFuzzer entry: any bytes → `ModelReader` and `TensorProtoFile`. A typed error is fine;
/// a crash, sanitizer report, hang or out-of-memory is a finding. When a model reads, the
/// writer must encode it and re-reading must give the same bytes again (writer stability;
/// bytes, not `==`, because NaN != NaN).
@_cdecl("LLVMFuzzerTestOneInput")
public func readerFuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    var reader = ModelReader()
    reader.loadExternalData = false
    if let model = try? reader.read(data: data), let first = try? ModelWriter().serialize(model) {
        guard let again = try? reader.read(data: first), let second = try? ModelWriter().serialize(again) else {
            fatalError("our own output does not read back")
        }
        precondition(first == second, "writer output is not stable")
    }
    if let tensor = try? TensorProtoFile.decode(data) {
        _ = try? tensor.floats()
        _ = try? TensorProtoFile.encode(tensor)
    }
    return 0
}

/// SwiftPM links `main` to `ReaderFuzzer_main`; libFuzzer's driver takes over from here.
@_cdecl("ReaderFuzzer_main")
public func readerFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { readerFuzzerTestOneInput($0, $1) }
}
