// Module Kernels: see Package.swift for its role.
