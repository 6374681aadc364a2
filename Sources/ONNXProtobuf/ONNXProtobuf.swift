// Module ONNXProtobuf: see Package.swift for its role.
