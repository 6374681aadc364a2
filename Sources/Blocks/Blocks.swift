// Module Blocks: see Package.swift for its role.
