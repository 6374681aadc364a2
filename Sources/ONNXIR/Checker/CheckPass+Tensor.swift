import Foundation

extension CheckPass {
    /// Where ONNX stores values of a type when not in `raw_data`, and how many entries
    /// `n` elements take there (complex: 2 per element; sub-byte types: packed bytes).
    static func typedField(for type: ElementType, elements n: Int) -> (field: String, count: Int)? {
        switch type {
        case .float: return ("float_data", n)
        case .complex64: return ("float_data", n * 2)
        case .double: return ("double_data", n)
        case .complex128: return ("double_data", n * 2)
        case .int64: return ("int64_data", n)
        case .uint32, .uint64: return ("uint64_data", n)
        case .string: return ("string_data", n)
        case .int32, .int16, .int8, .uint8, .uint16, .bool, .float16, .bfloat16,
             .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0:
            return ("int32_data", n)
        case .uint4, .int4, .float4e2m1, .uint2, .int2:
            return ("int32_data", type.packedByteCount(elements: n) ?? n)
        default: return nil
        }
    }

    /// Typed value fields that hold something, with their entry counts.
    static func populatedValueFields(_ t: Tensor) -> [(field: String, count: Int)] {
        var fields: [(String, Int)] = []
        if !t.floatData.isEmpty { fields.append(("float_data", t.floatData.count)) }
        if !t.int32Data.isEmpty { fields.append(("int32_data", t.int32Data.count)) }
        if !t.stringData.isEmpty { fields.append(("string_data", t.stringData.count)) }
        if !t.int64Data.isEmpty { fields.append(("int64_data", t.int64Data.count)) }
        if !t.doubleData.isEmpty { fields.append(("double_data", t.doubleData.count)) }
        if !t.uint64Data.isEmpty { fields.append(("uint64_data", t.uint64Data.count)) }
        return fields
    }

    static let externalDataKeys: Set<String> = ["location", "offset", "length", "checksum"]

    /// Element type set and known, dims non-negative, data in exactly one place, and as
    /// many values (or bytes) as dims and type require.
    mutating func checkTensor(_ tensor: Tensor, field: String) {
        guard let type = tensor.dataType else {
            error(.tensorData, field, "tensor has no data_type")
            return
        }
        guard type.isKnown else {
            error(.tensorData, field, "data_type \(type.rawValue) is \(type == .undefined ? "UNDEFINED" : "not a known element type")")
            return
        }
        if type.introducedInIRVersion > irVersion {
            warning(.featureVersion, field, "element type \(type) needs IR version \(type.introducedInIRVersion), model declares \(irVersion)")
        }
        if let negative = tensor.dims.first(where: { $0 < 0 }) {
            error(.tensorData, field, "negative dimension \(negative) in dims \(tensor.dims)")
            return
        }
        let elements: Int
        do {
            elements = try tensor.elementCount()
        } catch {
            self.error(.tensorData, field, "element count of dims \(tensor.dims) overflows")
            return
        }
        let typed = Self.populatedValueFields(tensor)
        var holders = typed.map(\.field)
        if tensor.rawData != nil { holders.append("raw_data") }

        if tensor.isExternal {
            checkExternalData(tensor, field: field, holders: holders)
            return
        }
        if let location = tensor.dataLocation, location != .default {
            error(.tensorData, field, "data_location \(location.rawValue) is not DEFAULT (0) or EXTERNAL (1)")
        }
        if holders.count > 1 {
            error(.tensorData, field, "data is in more than one field (\(holders.joined(separator: ", ")))")
            return
        }
        if elements == 0 {
            let hasData = !typed.isEmpty || !(tensor.rawData?.isEmpty ?? true)
            if hasData { error(.tensorData, field, "dims \(tensor.dims) have 0 elements but the tensor holds data") }
            return
        }
        if let raw = tensor.rawData {
            guard type != .string else {
                error(.tensorData, field, "string tensors cannot store data in raw_data (use string_data)")
                return
            }
            if let expected = type.packedByteCount(elements: elements), raw.count != expected {
                error(.tensorData, "\(field) raw_data",
                      "holds \(raw.count) bytes but dims \(tensor.dims) of \(type) need \(expected)")
            }
            return
        }
        guard let stored = typed.first else {
            error(.tensorData, field, "tensor has \(elements) elements but no data (no raw_data or typed field)")
            return
        }
        guard let expected = Self.typedField(for: type, elements: elements) else { return }
        if stored.field != expected.field {
            error(.tensorData, "\(field) \(stored.field)", "\(type) values belong in \(expected.field), not \(stored.field)")
        } else if stored.count != expected.count {
            error(.tensorData, "\(field) \(stored.field)",
                  "holds \(stored.count) values but dims \(tensor.dims) of \(type) need \(expected.count)")
        }
    }

    /// External data: a relative location inside the model's folder, known keys, numeric
    /// offset/length, and no inline data.
    private mutating func checkExternalData(_ tensor: Tensor, field: String, holders: [String]) {
        if !holders.isEmpty {
            error(.tensorData, field, "tensor is stored externally but also has inline data (\(holders.joined(separator: ", ")))")
        }
        var keys = Set<String>()
        for entry in tensor.externalData {
            let key = entry.key ?? ""
            if !Self.externalDataKeys.contains(key) {
                error(.tensorData, "\(field) external_data", "unknown external_data key '\(key)'")
            }
            if !keys.insert(key).inserted {
                error(.tensorData, "\(field) external_data", "external_data key '\(key)' appears more than once")
            }
        }
        guard let location = tensor.externalDataValue("location"), !location.isEmpty else {
            error(.tensorData, "\(field) external_data", "tensor is stored externally but has no location")
            return
        }
        let components = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if location.hasPrefix("/") || location.hasPrefix("\\") || Self.hasDrivePrefix(location) {
            error(.tensorData, "\(field) external_data", "location '\(location)' is absolute; it must be relative to the model's folder")
        } else if components.contains("..") {
            error(.tensorData, "\(field) external_data", "location '\(location)' escapes the model's folder with '..'")
        }
        for key in ["offset", "length"] {
            if let value = tensor.externalDataValue(key), Int64(value).map({ $0 < 0 }) ?? true {
                error(.tensorData, "\(field) external_data", "\(key) '\(value)' is not a non-negative integer")
            }
        }
    }

    /// `C:...`: a Windows drive, absolute on that platform.
    static func hasDrivePrefix(_ location: String) -> Bool {
        let chars = Array(location.prefix(2))
        return chars.count == 2 && chars[0].isLetter && chars[1] == ":"
    }

    /// Sparse tensor (COO): values 1-D, indices int64 of shape [nnz] (linear) or [nnz, rank],
    /// every index inside dims and in increasing order.
    mutating func checkSparseTensor(_ sparse: SparseTensor, field: String) {
        guard let values = sparse.values else {
            error(.sparseInitializer, field, "sparse tensor has no values")
            return
        }
        checkTensor(values, field: "\(field) values")
        if sparse.dims.isEmpty || sparse.dims.contains(where: { $0 < 0 }) {
            error(.sparseInitializer, field, "dims \(sparse.dims) must be non-empty and non-negative")
            return
        }
        guard values.dims.count == 1 else {
            error(.sparseInitializer, "\(field) values", "values must be 1-D, found dims \(values.dims)")
            return
        }
        let nnz = Int(values.dims[0])
        guard let indices = sparse.indices else {
            if nnz != 0 { error(.sparseInitializer, field, "sparse tensor with \(nnz) values has no indices") }
            return
        }
        checkTensor(indices, field: "\(field) indices")
        guard indices.dataType == .int64 else {
            error(.sparseInitializer, "\(field) indices", "indices must be int64, found \(indices.dataType?.name ?? "none")")
            return
        }
        guard let flat = try? indices.values(as: Int64.self) else { return }  // size error already reported
        let rank = sparse.dims.count
        var dense: Int64 = 1
        for d in sparse.dims {
            let (p, overflow) = dense.multipliedReportingOverflow(by: d)
            if overflow { error(.sparseInitializer, field, "dims \(sparse.dims) overflow"); return }
            dense = p
        }
        let linear: [Int64]
        if indices.dims == [Int64(nnz)] {
            linear = flat
        } else if indices.dims == [Int64(nnz), Int64(rank)] {
            var out: [Int64] = []
            out.reserveCapacity(nnz)
            for row in 0..<nnz {
                var index: Int64 = 0
                for axis in 0..<rank {
                    let v = flat[row * rank + axis]
                    guard v >= 0, v < sparse.dims[axis] else {
                        error(.sparseInitializer, "\(field) indices", "index \(v) at [\(row), \(axis)] is outside dimension \(sparse.dims[axis])")
                        return
                    }
                    index = index * sparse.dims[axis] + v
                }
                out.append(index)
            }
            linear = out
        } else {
            error(.sparseInitializer, "\(field) indices", "indices dims \(indices.dims) must be [\(nnz)] or [\(nnz), \(rank)]")
            return
        }
        for (k, index) in linear.enumerated() {
            if index < 0 || index >= dense {
                error(.sparseInitializer, "\(field) indices", "index \(index) at position \(k) is outside [0, \(dense - 1)]")
                return
            }
            if k > 0, index <= linear[k - 1] {
                error(.sparseInitializer, "\(field) indices", "index \(index) at position \(k) is not in increasing order")
                return
            }
        }
    }
}
