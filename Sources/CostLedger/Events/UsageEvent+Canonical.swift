import Pricing

extension UsageEvent {
    /// The event's canonical bytes: every field after normalisation, defaults filled in, in a fixed order.
    ///
    /// Two events have the same content exactly when their canonical bytes are equal; the hash
    /// chain covers these bytes. Identifiers cannot contain characters that JSON escapes, so the
    /// bytes are also a JSON object.
    ///
    /// The fields of section 11.1 follow an LLM event's `status`, in this order and only when they
    /// differ from their defaults, so that an event that uses none of them keeps the bytes (and the
    /// hash) it had before section 11: `cache_write_1h_tokens`, `input_audio_tokens`,
    /// `input_image_tokens`, `output_audio_tokens`, `output_image_tokens`, `reasoning_tokens`,
    /// `web_search_requests` (integers, when not 0), `service_tier` (a string, when it is not the
    /// one `batch` implies) and `provider_cost_usd` (a string with exactly 9 fractional digits,
    /// `"0.012300000"`, when given; `"0.000000000"` is a reported cost of zero, not an absent
    /// one). A field absent means its default, so equal bytes still mean equal content.
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
            if !call.tokens.usesOnlySection2 { appendSection11(call.tokens, &out) }
            if let cost = call.providerCost { appendString("provider_cost_usd", cost.description, &out) }
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

/// The section 11.1 counts and tier that differ from their defaults (see ``UsageEvent/canonicalBytes``).
private func appendSection11(_ tokens: LLMUsage, _ out: inout [UInt8]) {
    appendCount("cache_write_1h_tokens", tokens.cacheWrite1hTokens, &out)
    appendCount("input_audio_tokens", tokens.inputAudioTokens, &out)
    appendCount("input_image_tokens", tokens.inputImageTokens, &out)
    appendCount("output_audio_tokens", tokens.outputAudioTokens, &out)
    appendCount("output_image_tokens", tokens.outputImageTokens, &out)
    appendCount("reasoning_tokens", tokens.reasoningTokens, &out)
    appendCount("web_search_requests", tokens.webSearchRequests, &out)
    if tokens.serviceTier != (tokens.batch ? .batch : .standard) { appendString("service_tier", tokens.serviceTier.rawValue, &out) }
}

/// Appends a count that defaults to 0 only when it is not 0.
@inline(__always)
private func appendCount(_ key: StaticString, _ value: Int64, _ out: inout [UInt8]) {
    if value != 0 { appendInteger(key, value, &out) }
}
