// swift-tools-version: 6.0
// libFuzzer targets for the ONNX reader and for graphs (Session + recognizer), kept out of the root package so a plain
// `swift build` never needs the sanitizer runtime. Build and run with tools/fuzz/run.sh.
import PackageDescription

let package = Package(
    name: "onnx-blocks-fuzz",
    dependencies: [.package(name: "onnx-blocks", path: "../..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "GraphFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "ONNXIR", package: "onnx-blocks"),
                .product(name: "ONNXProtobuf", package: "onnx-blocks"),
                .product(name: "Runtime", package: "onnx-blocks"),
                .product(name: "BlockMapper", package: "onnx-blocks"),
            ]
        ),
        .executableTarget(
            name: "ReaderFuzzer",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "ONNXProtobuf", package: "onnx-blocks"),
                .product(name: "ONNXIR", package: "onnx-blocks"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
