import CSVCodec
import CostLedger
import Pricing

/// Finance line items: one per stored event in a time range, in ledger order, streamed.
public struct LedgerExport {
    /// The export formats of `costledger export`.
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case json
    }

    /// The columns of the `csv` format, also the keys of the `json` one.
    public static let columns = [
        "sequence", "event_id", "timestamp", "tenant_id", "kind", "worker", "operation", "conversation_id", "provider",
        "model", "service", "status", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "batch",
        "units", "cost_usd", "estimated",
    ]

    public var query: RecordQuery
    public var format: Format

    public init(query: RecordQuery, format: Format) {
        self.query = query
        self.format = format
    }

    /// Streams the export to `output` and returns the number of rows written.
    public func write(from store: any LedgerStore, to output: OutputFile) throws -> Int {
        var rows = 0
        switch format {
        case .csv:
            var writer = CSVWriter()
            writer.writeRecord(Self.columns)
            try store.forEachRecord(query) { record in
                writer.writeRecord(Self.fields(of: record))
                rows += 1
                if writer.bytes.count >= 64 * 1024 {
                    try output.write(writer.bytes)
                    writer.removeAll()
                }
            }
            try output.write(writer.bytes)
        case .json:
            try output.write("[")
            try store.forEachRecord(query) { record in
                var object: [UInt8] = rows == 0 ? [] : [UInt8(ascii: ",")]
                Self.appendJSON(of: record, to: &object)
                try output.write(object)
                rows += 1
            }
            try output.write("]\n")
        }
        return rows
    }

    /// The CSV fields of one record, empty where a field does not apply.
    static func fields(of record: LedgerRecord) -> [String] {
        let event = record.event
        var fields = [
            String(record.sequence), event.id, event.timestamp.description, event.tenantID, event.kind.rawValue,
            event.worker, event.operation, event.conversationID ?? "",
        ]
        switch event.usage {
        case .llm(let call):
            fields += [
                call.provider, call.model, "", call.status.rawValue, String(call.tokens.inputTokens),
                String(call.tokens.outputTokens), String(call.tokens.cachedTokens), String(call.tokens.cacheWriteTokens),
                String(call.tokens.batch), "",
            ]
        case .api(let call):
            fields += ["", "", call.service, call.status.rawValue, "", "", "", "", "", String(call.units)]
        }
        fields += [record.pricing.cost.description, String(record.pricing.estimated)]
        return fields
    }

    /// One record as a JSON object with the CSV's keys; fields that do not apply are null.
    static func appendJSON(of record: LedgerRecord, to out: inout [UInt8]) {
        var object = JSONObjectWriter(into: out)
        let event = record.event
        object.integer("sequence", record.sequence)
        object.string("event_id", event.id)
        object.string("timestamp", event.timestamp.description)
        object.string("tenant_id", event.tenantID)
        object.string("kind", event.kind.rawValue)
        object.string("worker", event.worker)
        object.string("operation", event.operation)
        object.string("conversation_id", event.conversationID)
        switch event.usage {
        case .llm(let call):
            object.string("provider", call.provider)
            object.string("model", call.model)
            object.string("service", nil)
            object.string("status", call.status.rawValue)
            object.integer("input_tokens", call.tokens.inputTokens)
            object.integer("output_tokens", call.tokens.outputTokens)
            object.integer("cached_tokens", call.tokens.cachedTokens)
            object.integer("cache_write_tokens", call.tokens.cacheWriteTokens)
            object.bool("batch", call.tokens.batch)
            object.integer("units", nil)
        case .api(let call):
            object.string("provider", nil)
            object.string("model", nil)
            object.string("service", call.service)
            object.string("status", call.status.rawValue)
            for key in ["input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"] { object.integer(key, nil) }
            object.bool("batch", nil)
            object.integer("units", call.units)
        }
        object.string("cost_usd", record.pricing.cost.description)
        object.bool("estimated", record.pricing.estimated)
        out = object.finish()
    }
}
