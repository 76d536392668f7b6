/// A JSON value read whole: the nested objects the event decoder must look into (a provider's
/// `usage` object, section 12.1) and OTLP's JSON encoding (section 12.2).
///
/// Numbers keep what validation needs: an integer that fits in `Int64`, or the fact that the
/// literal is too large or has a fraction or an exponent. A key given twice in an object is
/// reported by the scanner that built the value, never silently kept.
public indirect enum JSONValue: Sendable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// An integer literal that fits in `Int64`.
    case integer(Int64)
    /// An integer literal too large for `Int64`; `negative` keeps its sign.
    case hugeInteger(negative: Bool)
    /// A number with a fraction or an exponent.
    case fractional
    case bool(Bool)
    case null

    /// The member `key` of an object; nil for a missing key, a JSON `null` or a value that is no object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self, let value = members[key], value != .null else { return nil }
        return value
    }

    /// The members of an object, or nil.
    public var members: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array, or nil.
    public var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The text of a string, or nil.
    public var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
