// swift-tools-version: 6.0
import PackageDescription

// Uses onnx-blocks as a dependency by path, exactly as another project would by URL:
// no project build flags, plain `swift build -c release`.
let package = Package(
    name: "QuickStart",
    dependencies: [
        .package(name: "onnx-blocks", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [
                .product(name: "ONNXIR", package: "onnx-blocks"),
                .product(name: "ONNXProtobuf", package: "onnx-blocks"),
                .product(name: "Runtime", package: "onnx-blocks"),
                .product(name: "BlockMapper", package: "onnx-blocks"),
            ]
        ),
    ]
)
