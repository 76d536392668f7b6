extension OTLPTraceRequest {
    /// Decodes an `ExportTraceServiceRequest` in OTLP's JSON encoding: hex trace and span ids,
    /// 64-bit integers as strings or numbers, enums as numbers or names.
    /// - Throws: ``OTLPDecodingError`` for a body that is not JSON or not of that shape.
    public init(json bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) {
        let document: JSONValue
        do {
            let (value, duplicateKey) = try JSONFieldScanner.document(bytes)
            if let duplicateKey { throw OTLPDecodingError(message: "the key \"\(duplicateKey)\" is given twice in one object") }
            document = value
        } catch let error as JSONFieldScanner.SyntaxError {
            throw OTLPDecodingError(offset: error.offset, message: "not JSON: \(error.message)")
        } catch let error as OTLPDecodingError {
            throw error
        } catch {
            throw OTLPDecodingError(message: "not JSON")
        }
        guard document.members != nil else { throw OTLPDecodingError(message: "an ExportTraceServiceRequest must be a JSON object") }
        for resourceSpans in try Self.list(document, "resourceSpans") {
            let resource = try Self.attributes(of: resourceSpans["resource"] ?? .object([:]))
            for scopeSpans in try Self.list(resourceSpans, "scopeSpans") {
                for span in try Self.list(scopeSpans, "spans") {
                    spans.append(
                        OTLPSpan(
                            traceID: Self.hexBytes(span["traceId"]), spanID: Self.hexBytes(span["spanId"]),
                            endTimeUnixNano: try Self.unsigned(span["endTimeUnixNano"], "endTimeUnixNano"),
                            isError: try Self.isError(span["status"]), attributes: try Self.attributes(of: span),
                            resourceAttributes: resource))
                }
            }
        }
    }

    /// The array `key` of `object` (absent: none); an error when it is something else.
    private static func list(_ object: JSONValue, _ key: String) throws(OTLPDecodingError) -> [JSONValue] {
        guard object.members != nil else { throw OTLPDecodingError(message: "an element holding \(key) is not an object") }
        guard let value = object[key] else { return [] }
        guard let elements = value.elements else { throw OTLPDecodingError(message: "\(key) must be an array") }
        return elements
    }

    /// The kept attributes of `object["attributes"]`: `[{"key": …, "value": {"stringValue": …}}]`.
    private static func attributes(of object: JSONValue) throws(OTLPDecodingError) -> [String: OTLPValue] {
        var attributes: [String: OTLPValue] = [:]
        for keyValue in try list(object, "attributes") {
            guard let key = keyValue["key"]?.text else { throw OTLPDecodingError(message: "an attribute has no string key") }
            guard isKept(key) else { continue }
            attributes[key] = try value(keyValue["value"])
        }
        return attributes
    }

    private static func value(_ anyValue: JSONValue?) throws(OTLPDecodingError) -> OTLPValue {
        guard let anyValue else { return .other }
        if let text = anyValue["stringValue"]?.text { return .string(text) }
        if case .bool(let flag) = anyValue["boolValue"] { return .bool(flag) }
        if let int = anyValue["intValue"] {
            switch int {
            case .integer(let number): return .int(number)
            case .string(let text):
                guard let number = Int64(text) else { throw OTLPDecodingError(message: "intValue \"\(text)\" is not a 64-bit integer") }
                return .int(number)
            default: throw OTLPDecodingError(message: "intValue must be an integer or a string holding one")
            }
        }
        if anyValue["doubleValue"] != nil { return .double }
        return .other
    }

    /// A `fixed64` field: a number or a string of digits; absent is 0.
    private static func unsigned(_ value: JSONValue?, _ name: String) throws(OTLPDecodingError) -> UInt64 {
        switch value {
        case nil: return 0
        case .integer(let number) where number >= 0: return UInt64(number)
        case .string(let text):
            guard let number = UInt64(text) else { throw OTLPDecodingError(message: "\(name) \"\(text)\" is not an unsigned integer") }
            return number
        default: throw OTLPDecodingError(message: "\(name) must be an unsigned integer or a string holding one")
        }
    }

    /// `status.code` is ERROR: `2` or `"STATUS_CODE_ERROR"`.
    private static func isError(_ status: JSONValue?) throws(OTLPDecodingError) -> Bool {
        switch status?["code"] {
        case .integer(let code): return code == 2
        case .string(let name): return name == "STATUS_CODE_ERROR"
        case nil: return false
        default: throw OTLPDecodingError(message: "status.code must be a number or a name")
        }
    }

    /// The bytes of a hex id; empty for anything else (the mapping refuses the span).
    private static func hexBytes(_ value: JSONValue?) -> [UInt8] {
        guard let text = value?.text, text.utf8.count % 2 == 0 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return []
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}
