extension OTLPTraceRequest {
    /// Decodes an `ExportTraceServiceRequest` in protobuf, reading only the fields the mapping
    /// needs and skipping the rest (unknown fields included) by their wire type.
    /// - Throws: ``OTLPDecodingError`` for bytes that are not such a message.
    public init(protobuf bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, type) = try reader.nextField()
            guard number == 1 else {
                try reader.skip(type)
                continue
            }
            try reader.expect(type, is: .lengthDelimited, field: number, of: "ExportTraceServiceRequest")
            var resourceSpans = try reader.message()
            try Self.readResourceSpans(&resourceSpans, into: &spans)
        }
    }

    /// `ResourceSpans`: `resource` (1) and `scope_spans` (2), in either order.
    private static func readResourceSpans(_ reader: inout ProtobufReader, into spans: inout [OTLPSpan]) throws(OTLPDecodingError) {
        let first = spans.count
        var resource: [String: OTLPValue] = [:]
        while !reader.isAtEnd {
            let (number, type) = try reader.nextField()
            switch number {
            case 1:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "ResourceSpans")
                var message = try reader.message()
                while !message.isAtEnd {
                    let (field, fieldType) = try message.nextField()
                    guard field == 1 else {
                        try message.skip(fieldType)
                        continue
                    }
                    try message.expect(fieldType, is: .lengthDelimited, field: field, of: "Resource")
                    var keyValue = try message.message()
                    try readKeyValue(&keyValue, into: &resource)
                }
            case 2:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "ResourceSpans")
                var scopeSpans = try reader.message()
                while !scopeSpans.isAtEnd {
                    let (field, fieldType) = try scopeSpans.nextField()
                    guard field == 2 else {
                        try scopeSpans.skip(fieldType)
                        continue
                    }
                    try scopeSpans.expect(fieldType, is: .lengthDelimited, field: field, of: "ScopeSpans")
                    var span = try scopeSpans.message()
                    spans.append(try readSpan(&span))
                }
            default:
                try reader.skip(type)
            }
        }
        if !resource.isEmpty {
            for index in first..<spans.count { spans[index].resourceAttributes = resource }
        }
    }

    /// `Span`: ids (1, 2), end time (8), attributes (9) and status (15).
    private static func readSpan(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPSpan {
        var span = OTLPSpan(traceID: [], spanID: [], endTimeUnixNano: 0, attributes: [:])
        while !reader.isAtEnd {
            let (number, type) = try reader.nextField()
            switch number {
            case 1, 2:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "Span")
                let id = Array(try reader.data())
                if number == 1 { span.traceID = id } else { span.spanID = id }
            case 8:
                try reader.expect(type, is: .fixed64, field: number, of: "Span")
                span.endTimeUnixNano = try reader.fixed64()
            case 9:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "Span")
                var keyValue = try reader.message()
                try readKeyValue(&keyValue, into: &span.attributes)
            case 15:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "Span")
                var status = try reader.message()
                while !status.isAtEnd {
                    let (field, fieldType) = try status.nextField()
                    guard field == 3 else {
                        try status.skip(fieldType)
                        continue
                    }
                    try status.expect(fieldType, is: .varint, field: field, of: "Status")
                    span.isError = try status.varint() == 2
                }
            default:
                try reader.skip(type)
            }
        }
        return span
    }

    /// `KeyValue` (`key` 1, `value` 2 an `AnyValue`), kept when the mapping reads that key.
    private static func readKeyValue(_ reader: inout ProtobufReader, into attributes: inout [String: OTLPValue]) throws(OTLPDecodingError) {
        var key: String?
        var value = OTLPValue.other
        while !reader.isAtEnd {
            let (number, type) = try reader.nextField()
            switch number {
            case 1:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "KeyValue")
                key = try reader.string()
            case 2:
                try reader.expect(type, is: .lengthDelimited, field: number, of: "KeyValue")
                var anyValue = try reader.message()
                value = try readAnyValue(&anyValue)
            default:
                try reader.skip(type)
            }
        }
        if let key, isKept(key) { attributes[key] = value }
    }

    /// `AnyValue`: a string (1), bool (2), int (3) or double (4); arrays, lists and bytes are `other`.
    private static func readAnyValue(_ reader: inout ProtobufReader) throws(OTLPDecodingError) -> OTLPValue {
        var value = OTLPValue.other
        while !reader.isAtEnd {
            let (number, type) = try reader.nextField()
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
                try reader.skip(type)
                value = .other
            }
        }
        return value
    }
}
