extension OTLPTraceRequest {
    /// Decodes an `ExportTraceServiceRequest` in protobuf, reading only the fields the mapping
    /// needs and skipping the rest (unknown fields included) by their wire type.
    /// - Throws: ``OTLPDecodingError`` for bytes that are not such a message.
    public init(protobuf bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        var spans: [OTLPSpan] = []
        try reader.forEachField { number, type, reader throws(OTLPDecodingError) in
            guard number == 1 else { return false }
            var resourceSpans = try reader.message(type, field: number, of: "ExportTraceServiceRequest")
            try Self.readResourceSpans(&resourceSpans, into: &spans)
            return true
        }
        self.spans = spans
    }

    /// `ResourceSpans`: `resource` (1) and `scope_spans` (2), in either order.
    private static func readResourceSpans(_ reader: inout ProtobufReader, into spans: inout [OTLPSpan]) throws(OTLPDecodingError) {
        let first = spans.count
        var resource: [String: OTLPValue] = [:]
        try reader.forEachField { number, type, reader throws(OTLPDecodingError) in
            switch number {
            case 1:
                var message = try reader.message(type, field: number, of: "ResourceSpans")
                try message.forEachField { field, type, message throws(OTLPDecodingError) in
                    guard field == 1 else { return false }
                    var keyValue = try message.message(type, field: field, of: "Resource")
                    try readKeyValue(&keyValue, into: &resource)
                    return true
                }
            case 2:
                var scopeSpans = try reader.message(type, field: number, of: "ResourceSpans")
                try scopeSpans.forEachField { field, type, scopeSpans throws(OTLPDecodingError) in
                    guard field == 2 else { return false }
                    var span = try scopeSpans.message(type, field: field, of: "ScopeSpans")
                    spans.append(try readSpan(&span))
                    return true
                }
            default:
                return false
            }
            return true
        }
        if !resource.isEmpty {
            for index in first..<spans.count { spans[index].resourceAttributes = resource }
        }
    }

    /// `Span`: ids (1, 2), end time (8), attributes (9) and status (15).
    private static func readSpan(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPSpan {
        var span = OTLPSpan(traceID: [], spanID: [], endTimeUnixNano: 0, attributes: [:])
        try reader.forEachField { number, type, reader throws(OTLPDecodingError) in
            switch number {
            case 1, 2:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "Span")
                let id = Array(try reader.data())
                if number == 1 { span.traceID = id } else { span.spanID = id }
            case 8:
                try reader.expect(type, is: .fixed64, field: number, of: "Span")
                span.endTimeUnixNano = try reader.fixed64()
            case 9:
                var keyValue = try reader.message(type, field: number, of: "Span")
                try readKeyValue(&keyValue, into: &span.attributes)
            case 15:
                var status = try reader.message(type, field: number, of: "Span")
                try status.forEachField { field, type, status throws(OTLPDecodingError) in
                    guard field == 3 else { return false }
                    try status.expect(type, is: .varint, field: field, of: "Status")
                    span.isError = try status.varint() == 2
                    return true
                }
            default:
                return false
            }
            return true
        }
        return span
    }

    /// `KeyValue` (`key` 1, `value` 2 an `AnyValue`), kept when the mapping reads that key.
    private static func readKeyValue(_ reader: inout ProtobufReader, into attributes: inout [String: OTLPValue]) throws(OTLPDecodingError) {
        var key: String?
        var value = OTLPValue.other
        try reader.forEachField { number, type, reader throws(OTLPDecodingError) in
            switch number {
            case 1:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "KeyValue")
                key = try reader.string()
            case 2:
                var anyValue = try reader.message(type, field: number, of: "KeyValue")
                value = try readAnyValue(&anyValue)
            default:
                return false
            }
            return true
        }
        if let key, isKept(key) { attributes[key] = value }
    }

    /// `AnyValue`: a string (1), bool (2), int (3) or double (4); arrays, lists and bytes are `other`.
    private static func readAnyValue(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPValue {
        var value = OTLPValue.other
        try reader.forEachField { number, type, reader throws(OTLPDecodingError) in
            switch number {
            case 1:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "AnyValue")
                value = .string(try reader.string())
            case 2:
                try reader.expect(type, is: .varint, field: number, of: "AnyValue")
                value = .bool(try reader.varint() != 0)
            case 3:
                try reader.expect(type, is: .varint, field: number, of: "AnyValue")
                value = .int(Int64(bitPattern: try reader.varint()))
            case 4:
                try reader.expect(type, is: .fixed64, field: number, of: "AnyValue")
                _ = try reader.fixed64()
                value = .double
            default:
                value = .other
                return false
            }
            return true
        }
        return value
    }
}
