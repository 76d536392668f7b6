/// What costledger reads of an OTLP `ExportTraceServiceRequest` (contract 12.2): every span, with
/// the attributes of its own and of its resource that the mapping to an event can use.
public struct OTLPTraceRequest: Sendable {
    public var spans: [OTLPSpan] = []

    public init(spans: [OTLPSpan] = []) {
        self.spans = spans
    }

    /// Whether the mapping reads an attribute of this name: the others are not kept.
    static func isKept(_ key: String) -> Bool {
        key.hasPrefix("gen_ai.") || key.hasPrefix("costledger.") || key == "service.name"
    }
}

/// One span: its ids, end time, status and kept attributes.
public struct OTLPSpan: Sendable, Hashable {
    /// 16 bytes in a valid span.
    public var traceID: [UInt8]
    /// 8 bytes in a valid span.
    public var spanID: [UInt8]
    public var endTimeUnixNano: UInt64
    /// The span's status code is ERROR.
    public var isError: Bool
    public var attributes: [String: OTLPValue]
    public var resourceAttributes: [String: OTLPValue]

    public init(
        traceID: [UInt8], spanID: [UInt8], endTimeUnixNano: UInt64, isError: Bool = false, attributes: [String: OTLPValue],
        resourceAttributes: [String: OTLPValue] = [:]
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.endTimeUnixNano = endTimeUnixNano
        self.isError = isError
        self.attributes = attributes
        self.resourceAttributes = resourceAttributes
    }
}

/// An attribute's value, as far as the mapping distinguishes them.
public enum OTLPValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case double
    case bool(Bool)
    /// An array, a key-value list or bytes.
    case other
}
