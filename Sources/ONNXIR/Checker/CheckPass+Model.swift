extension CheckPass {
    /// Model-level rules, then the main graph and the model-local functions.
    mutating func checkModel() {
        checkIRVersionAndOpsets()
        checkMetadata(model.metadataProps, field: "metadata_props")
        if let graph = model.graph {
            checkGraph(graph, parentScope: nil, isMain: true)
            if issues.errors.isEmpty { inferShapes(graph) }
        } else {
            error(.graphName, "graph", "model has no graph")
        }
        checkFunctions()
        if !model.trainingInfo.isEmpty { requireFeature(.trainingInfo, "training_info") }
        if !model.configurations.isEmpty { requireFeature(.deviceConfigurations, "configuration") }
    }

    private mutating func checkIRVersionAndOpsets() {
        guard let ir = model.irVersion else {
            error(.irVersion, "ir_version", "ir_version is missing")
            collectOpsets()
            return
        }
        if ir < 1 {
            error(.irVersion, "ir_version", "ir_version \(ir) is not a valid IR version (must be >= 1)")
        } else if ir > ModelChecker.newestKnownIRVersion {
            warning(.irVersion, "ir_version",
                    "ir_version \(ir) is newer than this checker knows (\(ModelChecker.newestKnownIRVersion)); checked with its rules")
        }
        if ir < 3 {
            if !model.opsetImports.isEmpty {
                error(.opsetImport, "opset_import", "a model with IR version \(ir) (< 3) cannot have opset_import")
            }
            opsets[""] = 1  // implied: the first ONNX operator set
        } else {
            if model.opsetImports.isEmpty {
                error(.opsetImport, "opset_import", "a model with IR version \(ir) (>= 3) must import an opset")
            }
            collectOpsets()
        }
    }

    private mutating func collectOpsets() {
        for (k, opset) in model.opsetImports.enumerated() {
            let domain = Self.normalizedDomain(opset.domain)
            let field = "opset_import[\(k)] '\(domain)'"
            guard let version = opset.version else {
                error(.opsetImport, field, "opset import has no version")
                continue
            }
            if version < 1 { error(.opsetImport, field, "opset version \(version) is not valid (must be >= 1)") }
            if let earlier = opsets[domain] {
                warning(.opsetImport, field, "domain imported more than once (versions \(earlier) and \(version)); using \(earlier)")
            } else {
                opsets[domain] = version
            }
        }
    }

    /// Keys must be unique (onnx rejects duplicates in the model's metadata_props).
    mutating func checkMetadata(_ entries: [MetadataEntry], field: String) {
        var seen = Set<String>()
        for entry in entries {
            let key = entry.key ?? ""
            if !seen.insert(key).inserted {
                error(.metadata, field, "duplicate metadata key '\(key)'")
            }
        }
    }
}
