import Pricing

extension UsageEvent {
    /// The event's canonical bytes: every field after normalisation, defaults filled in, in a fixed order.
    ///
    /// Two events have the same content exactly when their canonical bytes are equal; the hash
    /// chain covers these bytes. Identifiers cannot contain characters that JSON escapes, so the
    /// bytes are also a JSON object.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        appendCanonical(to: &out)
        return out
    }

    /// Appends ``canonicalBytes`` to `out`.
    public func appendCanonical(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":""#.utf8)
        out.append(contentsOf: id.utf8)
        out.append(contentsOf: #"","kind":""#.utf8)
        out.append(contentsOf: kind.rawValue.utf8)
        out.append(contentsOf: #"","timestamp":""#.utf8)
        timestamp.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
        appendString("tenant_id", tenantID, &out)
        appendString("worker", worker, &out)
        appendString("operation", operation, &out)
        appendString("conversation_id", conversationID, &out)
        switch usage {
        case .llm(let call):
            appendString("provider", call.provider, &out)
            appendString("model", call.model, &out)
            appendInteger("input_tokens", call.tokens.inputTokens, &out)
            appendInteger("output_tokens", call.tokens.outputTokens, &out)
            appendInteger("cached_tokens", call.tokens.cachedTokens, &out)
            appendInteger("cache_write_tokens", call.tokens.cacheWriteTokens, &out)
            out.append(contentsOf: #","batch":"#.utf8)
            out.append(contentsOf: (call.tokens.batch ? "true" : "false").utf8)
            appendString("prompt_fingerprint", call.promptFingerprint, &out)
            appendString("status", call.status.rawValue, &out)
        case .api(let call):
            appendString("service", call.service, &out)
            appendInteger("units", call.units, &out)
            appendString("status", call.status.rawValue, &out)
            appendString("request_key", call.requestKey, &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

@inline(__always)
private func appendString(_ key: StaticString, _ value: String?, _ out: inout [UInt8]) {
    out.append(contentsOf: #",""#.utf8)
    out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    if let value {
        out.append(contentsOf: #"":""#.utf8)
        out.append(contentsOf: value.utf8)
        out.append(UInt8(ascii: "\""))
    } else {
        out.append(contentsOf: #"":null"#.utf8)
    }
}

@inline(__always)
private func appendInteger(_ key: StaticString, _ value: Int64, _ out: inout [UInt8]) {
    out.append(contentsOf: #",""#.utf8)
    out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    out.append(contentsOf: #"":"#.utf8)
    appendDecimal(value, to: &out)
}
