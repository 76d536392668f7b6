/// One metric family of the Prometheus text exposition format 0.0.4.
struct MetricFamily {
    enum Kind: String {
        case counter, gauge, histogram
    }

    let name: String
    let help: String
    let kind: Kind
    private(set) var lines: [String] = []

    init(_ name: String, _ kind: Kind, _ help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }

    /// Adds a sample of this family (or of its `_bucket`, `_sum`, `_count` series).
    mutating func add(suffix: String = "", _ labels: [(String, String)], _ value: String) {
        let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
        lines.append("\(name)\(suffix)\(rendered) \(value)")
    }

    /// Adds one histogram: cumulative `_bucket`s with `le`, then `_sum` and `_count`.
    mutating func addHistogram(_ labels: [(String, String)], bounds: [String], counts: [Int64], sum: String) {
        var cumulative: Int64 = 0
        for (bound, count) in zip(bounds + ["+Inf"], counts) {
            cumulative += count
            add(suffix: "_bucket", labels + [("le", bound)], String(cumulative))
        }
        add(suffix: "_sum", labels, sum)
        add(suffix: "_count", labels, String(cumulative))
    }

    /// HELP, TYPE and the samples, sorted so the same data gives the same bytes.
    var text: String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n"
        // Histogram series must stay in bucket order, which their insertion order already is.
        for line in kind == .histogram ? lines : lines.sorted() { out += line + "\n" }
        return out
    }
}

/// Escapes `\`, `"` and newlines, as the text format requires in label values.
func escapeLabelValue(_ value: String) -> String {
    var out = ""
    for character in value {
        switch character {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.append(character)
        }
    }
    return out
}
