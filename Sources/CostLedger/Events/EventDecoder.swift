import Pricing

/// Turns the JSON text of one event into a validated ``UsageEvent``, or an ``EventError``.
public struct EventDecoder: Sendable {
    /// The largest event accepted, in bytes of JSON.
    public static let maxEventBytes = 16 * 1024
    /// The largest token count accepted in any token field.
    public static let maxTokens: Int64 = 100_000_000
    /// The largest `units` accepted.
    public static let maxUnits: Int64 = 1_000_000
    /// The largest `web_search_requests` accepted.
    public static let maxWebSearches: Int64 = 1_000_000
    /// How far ahead of the clock a timestamp may be.
    public static let futureTolerance: Int64 = 3_600_000

    /// Events later than this instant are `timestamp_in_future`.
    public var latestAccepted: Timestamp

    /// A decoder that judges timestamps against `now`.
    public init(now: Timestamp = .now()) {
        latestAccepted = Timestamp(millis: now.millis + Self.futureTolerance)
    }

    /// Decodes and validates one event.
    /// - Throws: ``EventError`` with the first problem found.
    public func decode(_ json: UnsafeRawBufferPointer) throws(EventError) -> UsageEvent {
        guard json.count <= Self.maxEventBytes else {
            throw EventError(.invalidValue, "the event is \(json.count) bytes of JSON, above the limit of \(Self.maxEventBytes)")
        }
        let fields: ScannedFields
        do {
            switch try JSONFieldScanner.scan(json) {
            case .object(let scanned): fields = scanned
            case .notObject: throw EventError(.invalidType, "an event must be a JSON object")
            }
        } catch let error as JSONFieldScanner.SyntaxError {
            throw EventError(.invalidJSON, "not JSON: \(error.message) at byte \(error.offset)")
        } catch let error as EventError {
            throw error
        } catch {
            throw EventError(.invalidJSON, "not JSON")
        }
        if let key = fields.duplicateKey {
            var id: String?
            if key != EventField.id.name, case .string(let text) = fields[.id], isIdentifier(text) { id = text }
            throw EventError(.invalidValue, "the key \"\(key)\" is given twice in one object", eventID: id)
        }
        var reader = FieldReader(fields: fields)
        return try reader.event(latestAccepted: latestAccepted)
    }

    /// Validates an event whose fields were read from another encoding (an OTLP span, section 12.2).
    func decode(fields: ScannedFields) throws(EventError) -> UsageEvent {
        var reader = FieldReader(fields: fields)
        return try reader.event(latestAccepted: latestAccepted)
    }

    /// Decodes one event from its JSON text.
    public func decode(_ json: String) throws(EventError) -> UsageEvent {
        var json = json
        let result = json.withUTF8 { buffer in
            Result { () throws(EventError) -> UsageEvent in try decode(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}

/// Reads typed fields out of a scanned object, in the contract's validation order.
private struct FieldReader {
    let fields: ScannedFields
    var id: String?

    init(fields: ScannedFields) {
        self.fields = fields
    }

    mutating func event(latestAccepted: Timestamp) throws(EventError) -> UsageEvent {
        id = try identifier(.id)
        let kind: EventKind
        switch fields[.kind] ?? .null {
        case .null: throw fail(.missingField, "kind is required")
        case .string(let text):
            guard let known = EventKind(rawValue: text) else {
                throw fail(.unknownKind, "kind must be \"llm\" or \"api\"")
            }
            kind = known
        default: throw fail(.invalidType, "kind must be a string")
        }
        let timestamp: Timestamp
        switch fields[.timestamp] ?? .null {
        case .null: throw fail(.missingField, "timestamp is required")
        case .string(let text):
            guard let parsed = Timestamp(rfc3339: text) else {
                throw fail(.invalidTimestamp, "timestamp must be RFC 3339 with a date, a time and an offset")
            }
            timestamp = parsed
        default: throw fail(.invalidType, "timestamp must be a string")
        }
        let tenantID = try identifier(.tenantID)
        let worker = try identifier(.worker)
        let operation = try identifier(.operation)
        let conversationID = try optionalIdentifier(.conversationID)
        let usage: UsageEvent.Usage
        switch kind {
        case .llm:
            let provider = try identifier(.provider)
            let model = try identifier(.model)
            let tokens: LLMUsage
            let fingerprint: String?
            let status: CallStatus
            if let usage = fields[.usage], usage != .null {
                let counts = try providerUsage(usage, provider: provider)
                let batch = try bool(.batch, default: false)
                fingerprint = try optionalIdentifier(.promptFingerprint)
                status = try self.status(required: false)
                // The event's own tier first, then the batch flag, then what the usage object says.
                let tier = try serviceTier(batch: batch, openAISpellings: true) ?? (batch ? .batch : counts.serviceTier ?? .standard)
                var counted = counts.tokens
                counted.batch = batch
                counted.serviceTier = tier
                tokens = counted
            } else {
                if let format = fields[.usageFormat], format != .null {
                    throw fail(.invalidValue, "usage_format is given without a usage object")
                }
                let input = try count(.inputTokens, range: 0...EventDecoder.maxTokens, default: nil)
                let output = try count(.outputTokens, range: 0...EventDecoder.maxTokens, default: nil)
                let cached = try tokenCount(.cachedTokens)
                let cacheWrite = try tokenCount(.cacheWriteTokens)
                let batch = try bool(.batch, default: false)
                fingerprint = try optionalIdentifier(.promptFingerprint)
                status = try self.status(required: false)
                // Section 11.1, read after the fields of section 2 so that their errors come first as before.
                tokens = LLMUsage(
                    inputTokens: input, outputTokens: output, cachedTokens: cached, cacheWriteTokens: cacheWrite, batch: batch,
                    cacheWrite1hTokens: try tokenCount(.cacheWrite1hTokens), inputAudioTokens: try tokenCount(.inputAudioTokens),
                    inputImageTokens: try tokenCount(.inputImageTokens), outputAudioTokens: try tokenCount(.outputAudioTokens),
                    outputImageTokens: try tokenCount(.outputImageTokens), reasoningTokens: try tokenCount(.reasoningTokens),
                    webSearchRequests: try count(.webSearchRequests, range: 0...EventDecoder.maxWebSearches, default: 0),
                    serviceTier: try serviceTier(batch: batch, openAISpellings: false) ?? (batch ? .batch : .standard))
            }
            let providerCost = try providerCost()
            try checkParts(of: tokens)
            usage = .llm(
                LLMCall(provider: provider, model: model, tokens: tokens, promptFingerprint: fingerprint, status: status, providerCost: providerCost))
        case .api:
            let service = try identifier(.service)
            let units = try count(.units, range: 1...EventDecoder.maxUnits, default: 1)
            let status = try status(required: true)
            let requestKey = try optionalIdentifier(.requestKey)
            usage = .api(APICall(service: service, units: units, status: status, requestKey: requestKey))
        }
        if timestamp > latestAccepted {
            throw fail(.timestampInFuture, "timestamp is more than 1 hour ahead of the server's clock")
        }
        return UsageEvent(
            id: id ?? "", timestamp: timestamp, tenantID: tenantID, worker: worker, operation: operation,
            conversationID: conversationID, usage: usage)
    }

    private func fail(_ code: EventError.Code, _ message: String) -> EventError {
        EventError(code, message, eventID: id)
    }

    private func identifier(_ field: EventField) throws(EventError) -> String {
        guard let value = try optionalIdentifier(field) else {
            throw fail(.missingField, "\(field.name) is required")
        }
        return value
    }

    private func optionalIdentifier(_ field: EventField) throws(EventError) -> String? {
        switch fields[field] ?? .null {
        case .null: return nil
        case .string(let text):
            guard isIdentifier(text) else {
                throw fail(.invalidValue, "\(field.name) must be 1–128 characters of [A-Za-z0-9._:/@+-], starting with a letter or digit")
            }
            return text
        default:
            throw fail(.invalidType, "\(field.name) must be a string")
        }
    }

    private func count(_ field: EventField, range: ClosedRange<Int64>, default fallback: Int64?) throws(EventError) -> Int64 {
        switch fields[field] ?? .null {
        case .null:
            guard let fallback else { throw fail(.missingField, "\(field.name) is required") }
            return fallback
        case .integer(let value) where range.contains(value):
            return value
        case .integer, .hugeInteger:
            throw fail(.invalidValue, "\(field.name) must be between \(range.lowerBound) and \(range.upperBound)")
        default:
            throw fail(.invalidType, "\(field.name) must be an integer")
        }
    }

    /// An optional token count: 0 when absent, at most ``EventDecoder/maxTokens``.
    private func tokenCount(_ field: EventField) throws(EventError) -> Int64 {
        try count(field, range: 0...EventDecoder.maxTokens, default: 0)
    }

    /// `service_tier`, or nil when absent; with `openAISpellings` (an event carrying a usage object,
    /// section 12.1) also OpenAI's `default`, `auto` and `scale`, which mean `standard`.
    private func serviceTier(batch: Bool, openAISpellings: Bool) throws(EventError) -> ServiceTier? {
        switch fields[.serviceTier] ?? .null {
        case .null:
            return nil
        case .string(let text):
            let spelled = openAISpellings && ["default", "auto", "scale"].contains(text) ? ServiceTier.standard.rawValue : text
            guard let tier = ServiceTier(rawValue: spelled) else {
                throw fail(.invalidValue, "service_tier must be \"standard\", \"batch\", \"flex\", \"priority\" or \"fast\"")
            }
            guard !batch || tier == .batch else {
                throw fail(.invalidValue, "service_tier must be \"batch\" (or absent) when batch is true, not \"\(tier.rawValue)\"")
            }
            return tier
        default:
            throw fail(.invalidType, "service_tier must be a string")
        }
    }

    /// The counts of a provider's `usage` object (section 12.1), in the format `usage_format`
    /// names or the one inferred.
    private func providerUsage(_ usage: JSONFieldScanner.ScannedValue, provider: String) throws(EventError) -> ProviderUsage {
        if let field = EventField.tokenFields.first(where: { fields[$0] != nil && fields[$0] != .null }) {
            throw fail(.invalidValue, "usage cannot be given together with token fields such as \(field.name)")
        }
        guard case .document(let object) = usage, object.members != nil else {
            throw fail(.invalidType, "usage must be a JSON object: the provider's usage object")
        }
        let format: UsageFormat
        switch fields[.usageFormat] ?? .null {
        case .null:
            guard let inferred = UsageFormat.inferred(from: object, provider: provider) else {
                throw fail(
                    .invalidValue,
                    "usage has the shape of no known usage object; give usage_format (openai_chat, openai_responses, anthropic or gemini)")
            }
            format = inferred
        case .string(let text):
            guard let named = UsageFormat(rawValue: text) else {
                throw fail(.invalidValue, "usage_format must be \"openai_chat\", \"openai_responses\", \"anthropic\" or \"gemini\"")
            }
            format = named
        default:
            throw fail(.invalidType, "usage_format must be a string")
        }
        do {
            return try ProviderUsage(object, format: format)
        } catch {
            throw fail(error.code, error.message)
        }
    }

    /// `provider_cost_usd`: a decimal string (`digits[.digits]`, no sign or exponent, at most 9
    /// fractional digits), kept exactly as nano-USD; a JSON number is refused so that no binary
    /// floating point ever rounds it.
    private func providerCost() throws(EventError) -> Money? {
        switch fields[.providerCostUSD] ?? .null {
        case .null:
            return nil
        case .string(let text):
            let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
            let plain = parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
            guard plain, let cost = Money(decimal: text) else {
                throw fail(
                    .invalidValue,
                    "provider_cost_usd must be a decimal string of USD, at least 0, with at most 9 fractional digits (\"0.0123\")")
            }
            return cost
        default:
            throw fail(.invalidType, "provider_cost_usd must be a string holding a decimal (\"0.0123\"), not a JSON number")
        }
    }

    /// The parts of section 11.1 must fit in the totals they are parts of (``LLMUsage/partsExcess``).
    private func checkParts(of tokens: LLMUsage) throws(EventError) {
        switch tokens.partsExcess {
        case .cacheExceedsInput:
            // The message of section 2 when the event uses only its fields.
            throw fail(
                .cachedExceedsInput,
                tokens.cacheWrite1hTokens == 0
                    ? "cached_tokens + cache_write_tokens exceed input_tokens"
                    : "cached_tokens + cache_write_tokens + cache_write_1h_tokens exceed input_tokens")
        case .inputParts:
            throw fail(
                .partsExceedTotal,
                "cached_tokens + cache_write_tokens + cache_write_1h_tokens + input_audio_tokens + input_image_tokens exceed input_tokens")
        case .outputParts: throw fail(.partsExceedTotal, "output_audio_tokens + output_image_tokens exceed output_tokens")
        case .reasoning: throw fail(.partsExceedTotal, "reasoning_tokens exceed output_tokens")
        case nil: return
        }
    }

    private func bool(_ field: EventField, default fallback: Bool) throws(EventError) -> Bool {
        switch fields[field] ?? .null {
        case .null: return fallback
        case .bool(let value): return value
        default: throw fail(.invalidType, "\(field.name) must be true or false")
        }
    }

    private func status(required: Bool) throws(EventError) -> CallStatus {
        switch fields[.status] ?? .null {
        case .null:
            if required { throw fail(.missingField, "status is required") }
            return .success
        case .string(let text):
            guard let status = CallStatus(rawValue: text) else {
                throw fail(.invalidValue, "status must be \"success\" or \"error\"")
            }
            return status
        default:
            throw fail(.invalidType, "status must be a string")
        }
    }
}
