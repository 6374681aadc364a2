// Module BlockMapper: see Package.swift for its role.
