/// The top-level fields an event may carry; any other field is ignored.
enum EventField: String, CaseIterable {
    case id, kind, timestamp, worker, operation, provider, model, batch, status, service, units
    case tenantID = "tenant_id"
    case conversationID = "conversation_id"
    case inputTokens = "input_tokens"
    case outputTokens = "output_tokens"
    case cachedTokens = "cached_tokens"
    case cacheWriteTokens = "cache_write_tokens"
    case promptFingerprint = "prompt_fingerprint"
    case requestKey = "request_key"

    private static let names: [(field: EventField, bytes: [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// The field whose name is exactly `bytes`, if any.
    init?(bytes: UnsafeRawBufferPointer) {
        for candidate in Self.names where candidate.bytes.count == bytes.count {
            if candidate.bytes.withUnsafeBytes({ $0.elementsEqual(bytes) }) {
                self = candidate.field
                return
            }
        }
        return nil
    }
}
