import CSVCodec
import CostLedger
import Pricing

/// Finance line items: one per stored event in a time range (or billed in a month), in ledger
/// order, streamed, with the adjustments of those events (section 14.3) in their place.
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
        // Section 11.5, appended: old columns never move.
        "service_tier", "cache_write_1h_tokens", "input_audio_tokens", "input_image_tokens", "output_audio_tokens",
        "output_image_tokens", "reasoning_tokens", "web_search_requests", "provider_cost_usd", "price_row",
        // Section 14.3, appended.
        "billing_month", "late", "adjusts_sequence", "reason",
    ]

    public var query: RecordQuery
    public var format: Format
    /// Sequence numbers per chunk when two threads share a csv export: a chunk's bytes stay a few
    /// MiB, and each chunk's query costs next to nothing.
    public var chunkSequences: Int64 = 16_384

    public init(query: RecordQuery, format: Format) {
        self.query = query
        self.format = format
    }


    /// Streams the export to `output` and returns the number of rows written.
    /// - Parameter openReader: opens other readers of the same ledger. When given, a large csv
    ///   export is formatted by two child tasks, each on its own reader, alternate chunks of
    ///   sequence numbers each, and still written in ledger order.
    public func write(
        from store: any LedgerStore, openReader: (@Sendable () async throws -> any LedgerStore)? = nil, to output: OutputFile
    ) async throws -> Int {
        switch format {
        case .csv:
            var header = CSVWriter()
            header.writeRecord(Self.columns)
            try output.write(header.bytes)
            var adjustments: [LineItem] = []
            try await store.forEachAdjustment(AdjustmentQuery(query)) { adjustment, event in adjustments.append(LineItem(adjustment, of: event)) }
            guard let openReader, let range = try await store.sequenceRange(query), range.count > 2 * Int(chunkSequences) else {
                var rows = 0
                var buffer: [UInt8] = []
                buffer.reserveCapacity(128 * 1024)
                var next = adjustments.startIndex
                func append(_ item: LineItem) {
                    Self.appendCSV(of: item, to: &buffer)
                    rows += 1
                }
                try await store.forEachLineItem(query) { item in
                    while next < adjustments.endIndex, adjustments[next].sequence < item.sequence {
                        append(adjustments[next])
                        next += 1
                    }
                    append(item)
                    if buffer.count >= 64 * 1024 {
                        try output.write(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                for item in adjustments[next...] { append(item) }
                try output.write(buffer)
                return rows
            }
            let first = try await openReader()
            return try await first.closing {
                let second = try await openReader()
                return try await second.closing {
                    try await writeCSVInParallel(range, adjustments: adjustments, readers: [first, second], to: output)
                }
            }
        case .json:
            var rows = 0
            var adjustments: [(AdjustmentRecord, LedgerRecord)] = []
            try await store.forEachAdjustment(AdjustmentQuery(query)) { adjustments.append(($0, $1)) }
            var next = adjustments.startIndex
            try output.write("[")
            func append(_ record: LedgerRecord, adjustment: AdjustmentRecord? = nil) throws {
                var object: [UInt8] = rows == 0 ? [] : [UInt8(ascii: ",")]
                Self.appendJSON(of: record, adjustment: adjustment, to: &object)
                try output.write(object)
                rows += 1
            }
            try await store.forEachRecord(query) { record in
                while next < adjustments.endIndex, adjustments[next].0.sequence < record.sequence {
                    try append(adjustments[next].1, adjustment: adjustments[next].0)
                    next += 1
                }
                try append(record)
            }
            for (adjustment, event) in adjustments[next...] { try append(event, adjustment: adjustment) }
            try output.write("]\n")
            return rows
        }
    }

    /// Child tasks format the chunks of `range`, alternating between `readers`, while this task
    /// writes them in order; at most two chunks per reader are formatted ahead, so memory stays bounded.
    /// The `adjustments` (sorted by sequence number) are written in their place: those before
    /// `range` first, each chunk's with it, and those after `range` last.
    private func writeCSVInParallel(
        _ range: ClosedRange<Int64>, adjustments: [LineItem], readers: [any LedgerStore], to output: OutputFile
    ) async throws -> Int {
        let chunks = stride(from: range.lowerBound, through: range.upperBound, by: Int(chunkSequences)).map {
            $0...min($0 + chunkSequences - 1, range.upperBound)
        }
        let all = adjustments
        func adjustmentsWithin(_ sequences: ClosedRange<Int64>) -> [LineItem] {
            all.filter { sequences.contains($0.sequence) }
        }
        var before: [UInt8] = []
        var after: [UInt8] = []
        for item in all where item.sequence < range.lowerBound { Self.appendCSV(of: item, to: &before) }
        for item in all where item.sequence > range.upperBound { Self.appendCSV(of: item, to: &after) }
        try output.write(before)
        let edgeRows = all.count { !range.contains($0.sequence) }
        let query = query
        let ahead = 2 * readers.count
        return try await withThrowingTaskGroup(of: (index: Int, chunk: CSVChunk).self) { group in
            var started = 0
            var formatted: [Int: CSVChunk] = [:]
            var rows = 0
            for index in 0..<chunks.count {
                while started < min(chunks.count, index + ahead) {
                    let (number, reader) = (started, readers[started % readers.count])
                    let inChunk = adjustmentsWithin(chunks[number])
                    group.addTask { (number, try await CSVChunk(reader, query, chunks[number], adjustments: inChunk)) }
                    started += 1
                }
                while formatted[index] == nil {
                    guard let done = try await group.next() else { throw LedgerError(.storage, "an export task stopped") }
                    formatted[done.index] = done.chunk
                }
                if let chunk = formatted.removeValue(forKey: index) {
                    try output.write(chunk.bytes)
                    rows += chunk.rows
                }
            }
            try output.write(after)
            return rows + edgeRows
        }
    }

    /// The csv lines of the events of one chunk of sequence numbers.
    private struct CSVChunk: Sendable {
        var rows = 0
        var bytes: [UInt8] = []

        /// - Parameter adjustments: the adjustments numbered within `sequences`, sorted.
        init(_ store: any LedgerStore, _ query: RecordQuery, _ sequences: ClosedRange<Int64>, adjustments: [LineItem]) async throws {
            var chunkQuery = query
            chunkQuery.sequences = sequences
            var bytes: [UInt8] = []
            var rows = adjustments.count
            bytes.reserveCapacity(sequences.count * 256)
            var next = adjustments.startIndex
            try await store.forEachLineItem(chunkQuery) { item in
                while next < adjustments.endIndex, adjustments[next].sequence < item.sequence {
                    LedgerExport.appendCSV(of: adjustments[next], to: &bytes)
                    next += 1
                }
                LedgerExport.appendCSV(of: item, to: &bytes)
                rows += 1
            }
            for item in adjustments[next...] { LedgerExport.appendCSV(of: item, to: &bytes) }
            self.bytes = bytes
            self.rows = rows
        }
    }

    /// Appends one line item's CSV line, empty where a field does not apply.
    ///
    /// Written straight into the buffer from the store's bytes: identifiers cannot hold a comma, a
    /// quote or a line break (the event pattern forbids them), so no field needs quoting, and no
    /// `String` is built per field.
    static func appendCSV(of item: LineItem, to out: inout [UInt8]) {
        let comma = UInt8(ascii: ",")
        appendDecimal(item.sequence, to: &out)
        out.append(comma)
        out.append(contentsOf: item.eventID)
        out.append(comma)
        item.timestamp.appendRFC3339(to: &out)
        out.append(comma)
        out.append(contentsOf: item.tenantID)
        out.append(contentsOf: item.adjustsSequence != nil ? Self.adjustmentField : item.kind == .llm ? Self.llmField : Self.apiField)
        out.append(contentsOf: item.worker)
        out.append(comma)
        out.append(contentsOf: item.operation)
        out.append(comma)
        out.append(contentsOf: item.conversationID)
        out.append(comma)
        out.append(contentsOf: item.provider)
        out.append(comma)
        out.append(contentsOf: item.model)
        out.append(comma)
        out.append(contentsOf: item.service)
        out.append(contentsOf: item.status == .success ? Self.successField : Self.errorField)
        switch item.kind {
        case .llm:
            appendDecimal(item.tokens.input, to: &out)
            out.append(comma)
            appendDecimal(item.tokens.output, to: &out)
            out.append(comma)
            appendDecimal(item.tokens.cached, to: &out)
            out.append(comma)
            appendDecimal(item.tokens.cacheWrite, to: &out)
            out.append(contentsOf: item.batch ? Self.trueField : Self.falseField)
        case .api:
            out.append(contentsOf: Self.noTokens)
            appendDecimal(item.units, to: &out)
        }
        out.append(comma)
        appendMoney(item.cost, to: &out)
        out.append(contentsOf: item.estimated ? Self.trueField : Self.falseField)
        if let tier = item.serviceTier {
            out.append(contentsOf: tier.rawValue.utf8)
            let more = item.moreTokens
            func count(_ value: Int64) {
                out.append(comma)
                appendDecimal(value, to: &out)
            }
            count(more.cacheWrite1h)
            count(more.inputAudio)
            count(more.inputImage)
            count(more.outputAudio)
            count(more.outputImage)
            count(more.reasoning)
            count(item.webSearchRequests)
            out.append(comma)
            if let reported = item.providerCost { appendMoney(reported, to: &out) }
        } else {
            out.append(contentsOf: Self.noSection11Counts)
        }
        out.append(comma)
        out.append(contentsOf: item.priceReference)
        out.append(comma)
        item.billingMonth.appendISO(to: &out)
        out.append(contentsOf: item.lateBillingMonth != nil ? Self.trueField : Self.falseField)
        if let adjusted = item.adjustsSequence {
            appendDecimal(adjusted, to: &out)
            out.append(comma)
            appendQuotedCSV(item.reason, to: &out)
        } else {
            out.append(comma)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends a free-text field (an adjustment's reason), quoted when it holds a comma or a quote.
    private static func appendQuotedCSV(_ field: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        guard field.contains(where: { $0 == quote || $0 == UInt8(ascii: ",") || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: field)
            return
        }
        out.append(quote)
        for byte in field {
            if byte == quote { out.append(quote) }
            out.append(byte)
        }
        out.append(quote)
    }

    // Constant pieces of a line, with the commas around them.
    private static let llmField = Array(",llm,".utf8)
    private static let apiField = Array(",api,".utf8)
    private static let adjustmentField = Array(",adjustment,".utf8)
    private static let successField = Array(",success,".utf8)
    private static let errorField = Array(",error,".utf8)
    private static let trueField = Array(",true,".utf8)
    private static let falseField = Array(",false,".utf8)
    private static let noTokens = Array(",,,,,".utf8)
    /// An API call's empty counts and provider cost, after its empty tier.
    private static let noSection11Counts = Array(",,,,,,,,".utf8)

    /// One record as a JSON object with the CSV's keys; fields that do not apply are null. With
    /// `adjustment`, the object of that adjustment of `record`'s event.
    static func appendJSON(of record: LedgerRecord, adjustment: AdjustmentRecord? = nil, to out: inout [UInt8]) {
        var object = JSONObjectWriter(into: out)
        let event = record.event
        let pricing = adjustment?.repriced ?? record.pricing
        object.integer("sequence", adjustment?.sequence ?? record.sequence)
        object.string("event_id", event.id)
        object.string("timestamp", event.timestamp.description)
        object.string("tenant_id", event.tenantID)
        object.string("kind", adjustment == nil ? event.kind.rawValue : "adjustment")
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
        object.string("cost_usd", (adjustment?.costDelta ?? record.pricing.cost).description)
        object.bool("estimated", pricing.estimated)
        switch event.usage {
        case .llm(let call):
            let tokens = call.tokens
            object.string("service_tier", tokens.serviceTier.rawValue)
            object.integer("cache_write_1h_tokens", tokens.cacheWrite1hTokens)
            object.integer("input_audio_tokens", tokens.inputAudioTokens)
            object.integer("input_image_tokens", tokens.inputImageTokens)
            object.integer("output_audio_tokens", tokens.outputAudioTokens)
            object.integer("output_image_tokens", tokens.outputImageTokens)
            object.integer("reasoning_tokens", tokens.reasoningTokens)
            object.integer("web_search_requests", tokens.webSearchRequests)
            object.string("provider_cost_usd", call.providerCost?.description)
        case .api:
            object.string("service_tier", nil)
            for key in Self.columns[21...27] { object.integer(key, nil) }
            object.string("provider_cost_usd", nil)
        }
        object.string("price_row", pricing.priceReference)
        object.string("billing_month", (adjustment?.billingMonth ?? record.billingMonth).description)
        object.bool("late", adjustment == nil && record.lateBillingMonth != nil)
        object.integer("adjusts_sequence", adjustment?.adjustsSequence)
        object.string("reason", adjustment?.reason)
        out = object.finish()
    }
}

/// Appends an amount as USD with exactly 9 fractional digits, as ``Money/description`` writes it.
func appendMoney(_ money: Money, to out: inout [UInt8]) {
    if money.nanos < 0 { out.append(UInt8(ascii: "-")) }
    let magnitude = money.nanos.magnitude
    let (whole, fraction) = magnitude.quotientAndRemainder(dividingBy: 1_000_000_000)
    appendDigits(of: whole, minimumWidth: 1, to: &out)
    out.append(UInt8(ascii: "."))
    appendDigits(of: fraction, minimumWidth: 9, to: &out)
}
