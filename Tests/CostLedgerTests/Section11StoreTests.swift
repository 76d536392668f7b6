import CostLedger
import SQLiteStore
import Foundation
import Pricing
import TestSupport
import Testing

/// The LLM fields of CONTRACT section 11.1 in the SQLite store (schema version 3) and in idempotency.
@Suite("Section 11.1 fields in the store")
struct Section11StoreTests {
    /// `base` (a fixture LLM event of 1,000 input and 100 output tokens) with `extra` fields added.
    static func llm(_ id: String, _ extra: String) -> String {
        String(LedgerFixture.llmCall(id).dropLast()) + extra + "}"
    }

    static let every =
        #","cached_tokens":100,"cache_write_tokens":200,"cache_write_1h_tokens":300,"input_audio_tokens":150,"input_image_tokens":250,"#
        + #""output_audio_tokens":30,"output_image_tokens":20,"reasoning_tokens":60,"web_search_requests":3,"service_tier":"flex","#
        + #""provider_cost_usd":"0.012345678""#

    func sqlite(_ fixture: LedgerFixture, _ sql: String) throws -> String {
        try runTool("sqlite3", [fixture.directory.file("ledger.sqlite"), sql])
    }

    @Test("every new field is written and read back: records, line items, a read-only store, and the row sqlite3 sees")
    func roundTrip() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        let events = [Self.llm("e1", Self.every), LedgerFixture.llmCall("e2"), Self.llm("e3", #","batch":true"#), LedgerFixture.apiCall("a1")]
        try await fixture.append(events)
        let records = try await fixture.records()
        #expect(try records.map(\.event) == events.map { try fixture.decoder.decode($0) })
        let reader = try SQLiteLedgerStore(readOnlyPath: fixture.directory.file("ledger.sqlite"))
        var readOnly: [LedgerRecord] = []
        try await reader.forEachRecord(.all) { readOnly.append($0) }
        #expect(readOnly == records)
        #expect(try await Ledger(store: reader, prices: LedgerFixture.prices).verify().isSound)

        // An LLM request stores every count and its tier; NULL is an absent provider cost, and all of it for an API call.
        let columns =
            "cache_write_1h_tokens, input_audio_tokens, input_image_tokens, output_audio_tokens, output_image_tokens, "
            + "reasoning_tokens, web_search_requests, service_tier, provider_cost_nanos"
        #expect(
            try sqlite(fixture, "SELECT \(columns) FROM events ORDER BY seq")
                == "300|150|250|30|20|60|3|flex|12345678\n0|0|0|0|0|0|0|standard|\n0|0|0|0|0|0|0|batch|\n||||||||\n")
        #expect(try sqlite(fixture, "PRAGMA user_version") == "5\n")

        var items: [String] = []
        try await fixture.store.forEachLineItem(.all) { item in
            let t = item.moreTokens
            let reference = String(decoding: item.priceReference, as: UTF8.self)
            items.append(
                "\(t.cacheWrite1h) \(t.inputAudio) \(t.inputImage) \(t.outputAudio) \(t.outputImage) \(t.reasoning) "
                    + "\(item.webSearchRequests) \(item.serviceTier?.rawValue ?? "-") \(item.providerCost?.description ?? "-") \(reference)")
        }
        let references = records.map { $0.pricing.priceReference ?? "" }
        #expect(
            items == [
                "300 150 250 30 20 60 3 flex 0.012345678 \(references[0])", "0 0 0 0 0 0 0 standard - \(references[1])",
                "0 0 0 0 0 0 0 batch - \(references[2])", "0 0 0 0 0 0 0 - - \(references[3])",
            ])
        #expect(references[3] == "hunter/email_finder@2025-01-01")
    }

    @Test("a retry that differs only in a new field is id_conflict; the same content, defaults spelled out, is a duplicate", arguments: StoreKind.available)
    func duplicatesAndConflicts(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1"), Self.llm("e2", Self.every)])
        let changed = Section11EventTests.changes.map { Self.llm("e1", $0) }
        for (event, outcome) in zip(changed, try await fixture.append(changed)) {
            guard case .conflict(let error) = outcome else {
                Issue.record("\(event): expected id_conflict, got \(outcome)")
                continue
            }
            #expect(error.code == .idConflict && error.eventID == "e1")
        }
        let same = [
            Self.llm("e1", #","service_tier":"standard","reasoning_tokens":0,"web_search_requests":0,"provider_cost_usd":null"#),
            Self.llm("e2", Self.every.replacingOccurrences(of: #""0.012345678""#, with: #""00.012345678""#)),
            Self.llm("e2", Self.every),
        ]
        #expect(try await fixture.append(same) == [.duplicate(sequence: 1), .duplicate(sequence: 2), .duplicate(sequence: 2)])
        let otherCost = Self.llm("e2", Self.every.replacingOccurrences(of: #""0.012345678""#, with: #""0.012345679""#))
        guard case .conflict = try await fixture.append([otherCost])[0] else {
            Issue.record("a provider cost one nano-USD apart was not id_conflict")
            return
        }
        #expect(try await fixture.store.recordCount() == 2)
    }

    @Test("a version 2 file: read read-only as it is, with the defaults; a writer adds the columns, rewrites no row, and stores the new fields")
    func version2File() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("ledger.sqlite")
        try FileManager.default.copyItem(atPath: Repository.root + "/Tests/Fixtures/ledger-v2.sqlite", toPath: path)
        let prices = try PriceTable(directory: Repository.root + "/Tests/Fixtures/ledger-v2-pricing")

        let reader = try SQLiteLedgerStore(readOnlyPath: path)
        var before: [LedgerRecord] = []
        try await reader.forEachRecord(.all) { before.append($0) }
        #expect(before.count == 29)
        for record in before {
            guard case .llm(let call) = record.event.usage else { continue }
            #expect(call.tokens.usesOnlySection2 && call.providerCost == nil, "\(record.event.id)")
        }
        var tiers: [String] = []
        try await reader.forEachLineItem(.all) { tiers.append($0.serviceTier?.rawValue ?? "-") }
        #expect(tiers.prefix(6) == ["standard", "standard", "standard", "standard", "batch", "batch"] && tiers.last == "-")
        #expect(try await Ledger(store: reader, prices: prices).verify().isSound)
        #expect(try runTool("sqlite3", [path, "PRAGMA user_version"]) == "2\n")

        let writer = try SQLiteLedgerStore(path: path)
        #expect(try runTool("sqlite3", [path, "PRAGMA user_version"]) == "5\n")
        #expect(try runTool("sqlite3", [path, "SELECT count(*) FROM events WHERE service_tier IS NULL AND reasoning_tokens IS NULL"]) == "29\n")
        var after: [LedgerRecord] = []
        try await writer.forEachRecord(.all) { after.append($0) }
        #expect(after == before)
        let ledger = Ledger(store: writer, prices: prices)
        let decoder = EventDecoder(now: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!)
        let event = try decoder.decode(
            Self.llm("new", Self.every).replacingOccurrences(of: #""model":"gpt-4o""#, with: #""model":"gpt-4o-mini""#))
        #expect(try await ledger.append([ledger.candidate(event)]) == [.accepted(sequence: 30)])
        #expect(try await ledger.verify().isSound)
        let row = try runTool("sqlite3", [path, "SELECT reasoning_tokens, service_tier, provider_cost_nanos FROM events WHERE seq = 30"])
        #expect(row == "60|flex|12345678\n")
    }
}
