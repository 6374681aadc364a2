// swift-tools-version: 6.0
import PackageDescription

// No unsafeFlags on any target: the libraries stay usable as versioned dependencies.
// The GEMM micro-kernels (CKernels) pick their instruction set at run time; the rest of the
// SIMD code gets wider from flags the project's scripts pass (see README, "Speed").
let package = Package(
    name: "onnx-blocks",
    products: [
        .library(name: "ONNXIR", targets: ["ONNXIR"]),
        .library(name: "ONNXProtobuf", targets: ["ONNXProtobuf"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Blocks", targets: ["Blocks"]),
        .library(name: "BlockMapper", targets: ["BlockMapper"]),
        .executable(name: "onnx-blocks", targets: ["onnx-blocks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The system libprotobuf-c (runtime library for the generated code).
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        // protobuf-c code generated from onnx.proto by tools/regenerate_proto.sh. Never edited by hand.
        .target(
            name: "CONNXProto",
            dependencies: ["CProtobufC"],
            exclude: ["onnx.proto"]
        ),
        // Plain Swift value types mirroring the ONNX IR, plus validation.
        .target(name: "ONNXIR"),
        // Bytes, files and external data <-> ONNXIR. The only module that touches C pointers.
        .target(name: "ONNXProtobuf", dependencies: ["ONNXIR", "CONNXProto"]),
        // GEMM micro-kernels in C, one variant per instruction set (target attributes, no
        // flags), chosen at run time from the CPU's features.
        .target(name: "CKernels"),
        // SIMD kernels on raw buffers; each has a scalar reference for tests.
        .target(name: "Kernels", dependencies: ["CKernels"]),
        // Graph executor: operator table, shapes, memory plan, threads.
        .target(name: "Runtime", dependencies: ["ONNXIR", "Kernels"]),
        // Native, typed ResNet / Inception block structures with forward().
        .target(name: "Blocks", dependencies: ["Kernels"]),
        // Graph -> blocks (recognizer) and blocks -> graph (emitter).
        .target(name: "BlockMapper", dependencies: ["ONNXIR", "Blocks"]),
        .executableTarget(
            name: "onnx-blocks",
            dependencies: [
                "ONNXIR", "ONNXProtobuf", "Runtime", "Blocks", "BlockMapper", "Kernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro benchmark of the kernels (tools/bench_kernels.sh); not a product.
        .executableTarget(name: "kernel-bench", dependencies: ["Kernels"]),
        .testTarget(name: "ONNXIRTests", dependencies: ["ONNXIR"]),
        .testTarget(name: "ONNXProtobufTests", dependencies: ["ONNXIR", "ONNXProtobuf"], exclude: ["Malformed"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "RuntimeTests", dependencies: ["ONNXIR", "ONNXProtobuf", "Runtime", "Kernels"]),
        .testTarget(name: "BlocksTests", dependencies: ["Blocks", "BlockMapper", "ONNXIR", "ONNXProtobuf", "Runtime", "Kernels"]),
        .testTarget(name: "BlockMapperTests", dependencies: ["Blocks", "BlockMapper", "ONNXIR"]),
        .testTarget(name: "CLITests", dependencies: ["onnx-blocks"]),
    ],
    swiftLanguageModes: [.v5]
)
