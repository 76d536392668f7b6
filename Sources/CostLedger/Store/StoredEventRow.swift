import Pricing

/// One stored row of `events` as an engine reads it, by column number in the order of
/// ``LedgerRecord/storedColumns``, so both engines rebuild records with one decoder
/// (``LedgerRecord/init(stored:)``). A NULL integer or flag reads as 0 or false.
package protocol StoredEventRow {
    func integer(_ column: Int) throws(LedgerError) -> Int64
    /// nil for NULL.
    func optionalInteger(_ column: Int) throws(LedgerError) -> Int64?
    func flag(_ column: Int) throws(LedgerError) -> Bool
    /// nil for NULL.
    func text(_ column: Int) throws(LedgerError) -> String?
    func bytes(_ column: Int) throws(LedgerError) -> [UInt8]
}

extension LedgerRecord {
    /// The columns of `events` a record is stored in and read from, in this order; an engine may
    /// select NULL for the section 11.1 ones (from `cache_write_1h_tokens` on) of rows stored
    /// before them, and for `late_billing_month` (section 14.1) of rows stored before it.
    package static let storedColumns = [
        "seq", "id", "ts_ms", "tenant_id", "kind", "worker", "operation", "conversation_id", "provider", "model", "input_tokens",
        "output_tokens", "cached_tokens", "cache_write_tokens", "batch", "prompt_fingerprint", "service", "units", "request_key",
        "status", "cost_nanos", "price_ref", "estimated", "free_quota", "hash", "cache_write_1h_tokens", "input_audio_tokens",
        "input_image_tokens", "output_audio_tokens", "output_image_tokens", "reasoning_tokens", "web_search_requests",
        "service_tier", "provider_cost_nanos", "late_billing_month",
    ]

    /// Rebuilds a stored record; a NULL section 11.1 column (an event stored before them) reads as its default.
    /// - Throws: ``LedgerError`` `corruptRow` for a row no record could have been stored as.
    package init(stored row: some StoredEventRow) throws(LedgerError) {
        let sequence = try row.integer(0)
        func text(_ column: Int) throws(LedgerError) -> String {
            guard let value = try row.text(column) else {
                throw LedgerError(.corruptRow, "event at sequence \(sequence) has no value in column \(Self.storedColumns[column])")
            }
            return value
        }
        guard let status = CallStatus(rawValue: try text(19)) else {
            throw LedgerError(.corruptRow, "event at sequence \(sequence) has an unknown status")
        }
        let usage: UsageEvent.Usage
        switch try text(4) {
        case "llm":
            var tier: ServiceTier?
            if let name = try row.text(32) {
                guard let known = ServiceTier(rawValue: name) else {
                    throw LedgerError(.corruptRow, "event at sequence \(sequence) has an unknown service tier")
                }
                tier = known
            }
            let tokens = LLMUsage(
                inputTokens: try row.integer(10), outputTokens: try row.integer(11), cachedTokens: try row.integer(12),
                cacheWriteTokens: try row.integer(13), batch: try row.flag(14), cacheWrite1hTokens: try row.integer(25),
                inputAudioTokens: try row.integer(26), inputImageTokens: try row.integer(27), outputAudioTokens: try row.integer(28),
                outputImageTokens: try row.integer(29), reasoningTokens: try row.integer(30), webSearchRequests: try row.integer(31),
                serviceTier: tier)
            usage = .llm(
                LLMCall(
                    provider: try text(8), model: try text(9), tokens: tokens, promptFingerprint: try row.text(15), status: status,
                    providerCost: try row.optionalInteger(33).map { Money(nanos: $0) }))
        case "api":
            usage = .api(APICall(service: try text(16), units: try row.integer(17), status: status, requestKey: try row.text(18)))
        default:
            throw LedgerError(.corruptRow, "event at sequence \(sequence) has an unknown kind")
        }
        let event = UsageEvent(
            id: try text(1), timestamp: Timestamp(millis: try row.integer(2)), tenantID: try text(3), worker: try text(5),
            operation: try text(6), conversationID: try row.text(7), usage: usage)
        let pricing = EventPricing(
            cost: Money(nanos: try row.integer(20)), priceReference: try row.text(21), estimated: try row.flag(22),
            freeQuota: try row.flag(23))
        self.init(
            sequence: sequence, event: event, pricing: pricing, hash: ChainHash(bytes: try row.bytes(24)),
            lateBillingMonth: try row.optionalInteger(34).map(CivilMonth.init(index:)))
    }
}

extension AdjustmentRecord {
    /// The columns of `adjustments`, in the order ``init(stored:from:)`` reads them.
    package static let storedColumns = [
        "seq", "adjusts_seq", "cost_delta_nanos", "cost_nanos", "price_ref", "estimated", "free_quota", "reason", "billing_month",
        "recorded_ms", "hash",
    ]

    /// Rebuilds a stored adjustment from the row's columns `first…` (in ``storedColumns`` order).
    package init(stored row: some StoredEventRow, from first: Int) throws(LedgerError) {
        let sequence = try row.integer(first)
        guard let reason = try row.text(first + 7) else {
            throw LedgerError(.corruptRow, "adjustment at sequence \(sequence) has no reason")
        }
        self.init(
            sequence: sequence, adjustsSequence: try row.integer(first + 1), costDelta: Money(nanos: try row.integer(first + 2)),
            repriced: EventPricing(
                cost: Money(nanos: try row.integer(first + 3)), priceReference: try row.text(first + 4), estimated: try row.flag(first + 5),
                freeQuota: try row.flag(first + 6)),
            reason: reason, billingMonth: CivilMonth(index: try row.integer(first + 8)),
            recordedAt: Timestamp(millis: try row.integer(first + 9)), hash: ChainHash(bytes: try row.bytes(first + 10)))
    }
}

extension CloseRecord {
    /// The columns of `closes`, in the order ``init(stored:)`` reads them.
    package static let storedColumns = ["seq", "month", "recorded_ms", "hash"]

    /// Rebuilds a stored close record.
    package init(stored row: some StoredEventRow) throws(LedgerError) {
        self.init(
            sequence: try row.integer(0), month: CivilMonth(index: try row.integer(1)), recordedAt: Timestamp(millis: try row.integer(2)),
            hash: ChainHash(bytes: try row.bytes(3)))
    }
}
