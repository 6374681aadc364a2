// Module Runtime: see Package.swift for its role.
