import CostLedger
import PostgresNIO
import Pricing

/// How a ``LedgerRecord`` is a row of `events`, both ways, and how a row is a ``LineItem``:
/// column for column what the SQLite store stores and reads back.
enum PostgresRecords {
    /// The columns of `events` with their types, in the order ``LedgerRecord/storedColumns`` names them
    /// (``LedgerRecord/init(stored:)`` reads them) and ``EventColumns`` writes them.
    static let columns: [ArrayColumn] = [
        .init("seq", "bigint"), .init("id", "text"), .init("ts_ms", "bigint"), .init("tenant_id", "text"), .init("kind", "text"),
        .init("worker", "text"), .init("operation", "text"), .init("conversation_id", "text"), .init("provider", "text"),
        .init("model", "text"), .init("input_tokens", "bigint"), .init("output_tokens", "bigint"), .init("cached_tokens", "bigint"),
        .init("cache_write_tokens", "bigint"), .init("batch", "boolean"), .init("prompt_fingerprint", "text"), .init("service", "text"),
        .init("units", "bigint"), .init("request_key", "text"), .init("status", "text"), .init("cost_nanos", "bigint"),
        .init("price_ref", "text"), .init("estimated", "boolean"), .init("free_quota", "boolean"), .init("hash", "bytea"),
        .init("cache_write_1h_tokens", "bigint"), .init("input_audio_tokens", "bigint"), .init("input_image_tokens", "bigint"),
        .init("output_audio_tokens", "bigint"), .init("output_image_tokens", "bigint"), .init("reasoning_tokens", "bigint"),
        .init("web_search_requests", "bigint"), .init("service_tier", "text"), .init("provider_cost_nanos", "bigint"),
        .init("late_billing_month", "bigint"),
    ]

    static let selectList = columns.map(\.name).joined(separator: ", ")

    /// The columns ``lineItem(from:into:)`` reads.
    static let lineItemSelectList =
        "seq, id, ts_ms, tenant_id, kind, worker, operation, conversation_id, provider, model, service, status, input_tokens, "
        + "output_tokens, cached_tokens, cache_write_tokens, batch, units, cost_nanos, estimated, price_ref, cache_write_1h_tokens, "
        + "input_audio_tokens, input_image_tokens, output_audio_tokens, output_image_tokens, reasoning_tokens, web_search_requests, "
        + "service_tier, provider_cost_nanos, late_billing_month"

    /// Refills `item` from a row selected with ``lineItemSelectList``; its text fields are copied
    /// from the row's bytes, in ``LineItem/TextField`` order.
    static func lineItem(from row: PostgresCells, into item: inout LineItem) throws(LedgerError) {
        // The table's CHECK constraints allow only these values: the first byte tells them apart.
        item.kind = row.withText(4) { $0.first == UInt8(ascii: "l") } ? .llm : .api
        item.status = row.withText(11) { $0.first == UInt8(ascii: "s") } ? .success : .error
        item.batch = try row.bool(16)
        item.sequence = try row.int64(0)
        item.timestamp = Timestamp(millis: try row.int64(2))
        item.tokens = (try row.int64(12), try row.int64(13), try row.int64(14), try row.int64(15))
        item.units = try row.int64(17)
        item.cost = Money(nanos: try row.int64(18))
        item.estimated = try row.bool(19)
        item.moreTokens = (try row.int64(21), try row.int64(22), try row.int64(23), try row.int64(24), try row.int64(25), try row.int64(26))
        item.webSearchRequests = try row.int64(27)
        let tier = row.withText(28) { name in ServiceTier.allCases.first { $0.rawValue.utf8.elementsEqual(name) } }
        item.serviceTier = item.kind == .api ? nil : tier ?? (item.batch ? .batch : .standard)
        item.providerCost = try row.optionalInt64(29).map { Money(nanos: $0) }
        item.lateBillingMonth = try row.optionalInt64(30).map(CivilMonth.init(index:))
        item.clearText()
        for column in [1, 3, 5, 6, 7, 8, 9, 10, 20] { row.withText(column) { item.appendText($0) } }
    }
}

/// The `events` columns of records to append, one array each, bound in ``PostgresRecords/columns`` order.
struct EventColumns {
    private var seq: [Int64] = [], id: [String] = [], tsMillis: [Int64] = [], tenantID: [String] = [], kind: [String] = []
    private var worker: [String] = [], operation: [String] = [], conversationID: [String?] = [], provider: [String?] = []
    private var model: [String?] = [], inputTokens: [Int64?] = [], outputTokens: [Int64?] = [], cachedTokens: [Int64?] = []
    private var cacheWriteTokens: [Int64?] = [], batch: [Bool?] = [], promptFingerprint: [String?] = [], service: [String?] = []
    private var units: [Int64?] = [], requestKey: [String?] = [], status: [String] = [], cost: [Int64] = []
    private var priceReference: [String?] = [], estimated: [Bool] = [], freeQuota: [Bool] = [], hash: [ByteBuffer] = []
    /// The section 11.1 counts, in column order (`cache_write_1h_tokens` … `web_search_requests`).
    private var moreTokens: [[Int64?]] = Array(repeating: [], count: 7)
    private var serviceTier: [String?] = [], providerCost: [Int64?] = [], lateBillingMonth: [Int64?] = []

    init(_ records: some Collection<LedgerRecord>) {
        for record in records { append(record) }
    }

    private mutating func append(_ record: LedgerRecord) {
        let event = record.event
        seq.append(record.sequence)
        id.append(event.id)
        tsMillis.append(event.timestamp.millis)
        tenantID.append(event.tenantID)
        kind.append(event.kind.rawValue)
        worker.append(event.worker)
        operation.append(event.operation)
        conversationID.append(event.conversationID)
        switch event.usage {
        case .llm(let call):
            let tokens = call.tokens
            provider.append(call.provider)
            model.append(call.model)
            inputTokens.append(tokens.inputTokens)
            outputTokens.append(tokens.outputTokens)
            cachedTokens.append(tokens.cachedTokens)
            cacheWriteTokens.append(tokens.cacheWriteTokens)
            batch.append(tokens.batch)
            promptFingerprint.append(call.promptFingerprint)
            service.append(nil)
            units.append(nil)
            requestKey.append(nil)
            status.append(call.status.rawValue)
            let more = [
                tokens.cacheWrite1hTokens, tokens.inputAudioTokens, tokens.inputImageTokens, tokens.outputAudioTokens,
                tokens.outputImageTokens, tokens.reasoningTokens, tokens.webSearchRequests,
            ]
            for (index, count) in more.enumerated() { moreTokens[index].append(count) }
            serviceTier.append(tokens.serviceTier.rawValue)
            providerCost.append(call.providerCost?.nanos)
        case .api(let call):
            provider.append(nil)
            model.append(nil)
            inputTokens.append(nil)
            outputTokens.append(nil)
            cachedTokens.append(nil)
            cacheWriteTokens.append(nil)
            batch.append(nil)
            promptFingerprint.append(nil)
            service.append(call.service)
            units.append(call.units)
            requestKey.append(call.requestKey)
            status.append(call.status.rawValue)
            for index in moreTokens.indices { moreTokens[index].append(nil) }
            serviceTier.append(nil)
            providerCost.append(nil)
        }
        cost.append(record.pricing.cost.nanos)
        priceReference.append(record.pricing.priceReference)
        estimated.append(record.pricing.estimated)
        freeQuota.append(record.pricing.freeQuota)
        hash.append(ByteBuffer(bytes: record.hash.bytes))
        lateBillingMonth.append(record.lateBillingMonth?.index)
    }

    /// The arrays, in ``PostgresRecords/columns`` order.
    var bindings: PostgresBindings {
        var binds = PostgresBindings(capacity: PostgresRecords.columns.count)
        binds.append(seq)
        binds.append(id)
        binds.append(tsMillis)
        binds.append(tenantID)
        binds.append(kind)
        binds.append(worker)
        binds.append(operation)
        binds.append(NullableArray(conversationID))
        binds.append(NullableArray(provider))
        binds.append(NullableArray(model))
        binds.append(NullableArray(inputTokens))
        binds.append(NullableArray(outputTokens))
        binds.append(NullableArray(cachedTokens))
        binds.append(NullableArray(cacheWriteTokens))
        binds.append(NullableArray(batch))
        binds.append(NullableArray(promptFingerprint))
        binds.append(NullableArray(service))
        binds.append(NullableArray(units))
        binds.append(NullableArray(requestKey))
        binds.append(status)
        binds.append(cost)
        binds.append(NullableArray(priceReference))
        binds.append(estimated)
        binds.append(freeQuota)
        binds.append(hash)
        for column in moreTokens { binds.append(NullableArray(column)) }
        binds.append(NullableArray(serviceTier))
        binds.append(NullableArray(providerCost))
        binds.append(NullableArray(lateBillingMonth))
        return binds
    }
}
