/// What one span of an export becomes (contract 12.2).
public enum SpanOutcome: Sendable, Hashable {
    /// The span has no `gen_ai.usage.input_tokens` nor `gen_ai.usage.output_tokens`.
    case skipped
    case event(UsageEvent)
    case rejected(EventError)
}

extension EventDecoder {
    /// Maps a span to an `llm` event with the table of contract 12.2 and validates it exactly as
    /// a posted event.
    ///
    /// - Parameter defaultTenant: the tenant of a token for exactly one, used when neither the
    ///   span nor its resource names one.
    public func decode(span: OTLPSpan, defaultTenant: String?) -> SpanOutcome {
        let attributes = span.attributes
        guard attributes["gen_ai.usage.input_tokens"] != nil || attributes["gen_ai.usage.output_tokens"] != nil else {
            return .skipped
        }
        guard span.traceID.count == 16, span.spanID.count == 8 else {
            return .rejected(EventError(.invalidValue, "a span's trace id must be 16 bytes and its span id 8"))
        }
        let id = "otel-" + hex(span.traceID) + "-" + hex(span.spanID)
        guard span.endTimeUnixNano > 0 else { return .rejected(EventError(.missingField, "the span has no endTimeUnixNano", eventID: id)) }
        let tenant = attributes["costledger.tenant_id"] ?? span.resourceAttributes["costledger.tenant_id"] ?? defaultTenant.map { .string($0) }
        guard let tenant else {
            return .rejected(
                EventError(
                    .missingField,
                    "tenant_id is required: give the span or its resource the attribute costledger.tenant_id, or use a token for one tenant",
                    eventID: id))
        }
        var fields = ScannedFields()
        fields[.id] = .string(id)
        fields[.kind] = .string(EventKind.llm.rawValue)
        fields[.timestamp] = .string(Timestamp(millis: Int64(span.endTimeUnixNano / 1_000_000)).description)
        fields[.tenantID] = scanned(tenant)
        fields[.worker] = (attributes["costledger.worker"] ?? span.resourceAttributes["service.name"]).map(scanned)
        fields[.operation] = scanned(attributes["costledger.operation"] ?? attributes["gen_ai.operation.name"] ?? .string("chat"))
        fields[.provider] = (attributes["gen_ai.provider.name"] ?? attributes["gen_ai.system"]).map(scanned)
        fields[.model] = (attributes["gen_ai.response.model"] ?? attributes["gen_ai.request.model"]).map(scanned)
        // A span of an embeddings call has no output tokens: a missing count is 0, as in a usage object.
        fields[.inputTokens] = scanned(attributes["gen_ai.usage.input_tokens"] ?? .int(0))
        fields[.outputTokens] = scanned(attributes["gen_ai.usage.output_tokens"] ?? .int(0))
        fields[.cachedTokens] = attributes["gen_ai.usage.cache_read.input_tokens"].map(scanned)
        fields[.cacheWriteTokens] =
            (attributes["gen_ai.usage.cache_write.input_tokens"] ?? attributes["gen_ai.usage.cache_creation.input_tokens"]).map(scanned)
        fields[.reasoningTokens] = attributes["gen_ai.usage.reasoning.output_tokens"].map(scanned)
        fields[.conversationID] = attributes["gen_ai.conversation.id"].map(scanned)
        fields[.status] = .string(span.isError ? CallStatus.error.rawValue : CallStatus.success.rawValue)
        fields[.serviceTier] = attributes["costledger.service_tier"].map(scanned)
        fields[.providerCostUSD] = attributes["costledger.provider_cost_usd"].map(scanned)
        fields[.promptFingerprint] = attributes["costledger.prompt_fingerprint"].map(scanned)
        do {
            return .event(try decode(fields: fields))
        } catch {
            return .rejected(error)
        }
    }
}

/// An attribute as the event decoder sees a JSON value, so a mistyped one gets the same error.
private func scanned(_ value: OTLPValue) -> JSONFieldScanner.ScannedValue {
    switch value {
    case .string(let text): .string(text)
    case .int(let number): .integer(number)
    case .double: .fractional
    case .bool(let flag): .bool(flag)
    case .other: .object
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
