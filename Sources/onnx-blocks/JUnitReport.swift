import BlockMapper

/// A JUnit XML report: one `testcase` per check, a `failure` for each mismatch — the format
/// CI systems (GitHub, GitLab, Jenkins) show as test results.
struct JUnitReport {
    let suite: String
    let checks: [StructureCheck]

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    func render() -> String {
        let failures = checks.filter { !$0.passed }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(checks.count)\" failures=\"\(failures)\">\n"
        xml += "  <testsuite name=\"\(Self.escape(suite))\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
        for check in checks {
            xml += "    <testcase classname=\"\(Self.escape(suite))\" name=\"\(Self.escape(check.name))\""
            if let failure = check.failure {
                xml += ">\n      <failure message=\"\(Self.escape(failure))\">\(Self.escape(failure))</failure>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
