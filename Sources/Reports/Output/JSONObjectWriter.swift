/// Writes one flat JSON object with keys in the order they are added.
public struct JSONObjectWriter {
    private var out: [UInt8]
    private var first = true

    /// Starts an object at the end of `out`.
    public init(into out: [UInt8] = []) {
        self.out = out
        self.out.append(UInt8(ascii: "{"))
    }

    public mutating func string(_ key: String, _ value: String?) {
        self.key(key)
        if let value { appendJSONString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    public mutating func integer(_ key: String, _ value: Int64?) {
        self.key(key)
        out.append(contentsOf: (value.map(String.init) ?? "null").utf8)
    }

    public mutating func integer(_ key: String, _ value: Int) {
        integer(key, Int64(value))
    }

    public mutating func bool(_ key: String, _ value: Bool?) {
        self.key(key)
        out.append(contentsOf: (value.map { $0 ? "true" : "false" } ?? "null").utf8)
    }

    /// Closes the object and returns all the bytes.
    public mutating func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    private mutating func key(_ key: String) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        appendJSONString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }
}

/// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters.
public func appendJSONString(_ value: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in value.utf8 {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case 0x0A: out.append(contentsOf: #"\n"#.utf8)
        case 0x0D: out.append(contentsOf: #"\r"#.utf8)
        case 0x09: out.append(contentsOf: #"\t"#.utf8)
        case 0..<0x20:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}
