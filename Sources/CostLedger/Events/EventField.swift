#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The top-level fields an event may carry; any other field is ignored.
enum EventField: Int, CaseIterable {
    case id, kind, timestamp, tenantID, worker, operation, conversationID, provider, model, inputTokens, outputTokens
    case cachedTokens, cacheWriteTokens, batch, promptFingerprint, status, service, units, requestKey
    // Section 11.1.
    case cacheWrite1hTokens, inputAudioTokens, inputImageTokens, outputAudioTokens, outputImageTokens, reasoningTokens
    case webSearchRequests, serviceTier, providerCostUSD
    // Section 12.1.
    case usage, usageFormat

    /// The token fields of sections 2 and 11.1, which an event with a provider's `usage` object must not have.
    static let tokenFields: [EventField] = [
        .inputTokens, .outputTokens, .cachedTokens, .cacheWriteTokens, .cacheWrite1hTokens, .inputAudioTokens, .inputImageTokens,
        .outputAudioTokens, .outputImageTokens, .reasoningTokens, .webSearchRequests,
    ]

    /// The JSON name.
    var name: String { Self.names[rawValue] }

    private static let names = [
        "id", "kind", "timestamp", "tenant_id", "worker", "operation", "conversation_id", "provider", "model", "input_tokens",
        "output_tokens", "cached_tokens", "cache_write_tokens", "batch", "prompt_fingerprint", "status", "service", "units",
        "request_key", "cache_write_1h_tokens", "input_audio_tokens", "input_image_tokens", "output_audio_tokens",
        "output_image_tokens", "reasoning_tokens", "web_search_requests", "service_tier", "provider_cost_usd", "usage",
        "usage_format",
    ]
    private static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }

    /// The field whose name is exactly `bytes`, if any.
    init?(bytes: UnsafeRawBufferPointer) {
        for (index, candidate) in Self.nameBytes.enumerated() where candidate.count == bytes.count && candidate.first == bytes.first {
            if candidate.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                self.init(rawValue: index)
                return
            }
        }
        return nil
    }
}

/// The values of the known fields of one event object, by field.
struct ScannedFields {
    private var values = [JSONFieldScanner.ScannedValue?](repeating: nil, count: EventField.allCases.count)
    /// The first key given twice in one object of the event, at any depth.
    var duplicateKey: String?

    subscript(field: EventField) -> JSONFieldScanner.ScannedValue? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue }
    }
}
