import App
import CostLedger
import SQLiteStore
import Foundation
import Pricing
import TestSupport
import Testing

/// A ledger of its own (a fresh SQLite file or PostgreSQL database), with a small price table
/// written for the tests.
struct LedgerFixture {
    let testLedger: TestLedger
    let store: any LedgerStore
    let ledger: Ledger
    let decoder = EventDecoder(now: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!)

    static let prices: PriceTable = {
        let from = CivilDate(iso: "2025-01-01")!
        return try! PriceTable(
            llm: [
                LLMPriceRow(provider: "openai", model: "gpt-4o", effectiveFrom: from, input: Decimal6("2.50")!, output: Decimal6("10")!),
                LLMPriceRow(provider: "*", model: "*", effectiveFrom: from, input: Decimal6("5")!, output: Decimal6("15")!),
            ],
            services: [
                ServicePriceRow(service: "hunter", operation: "email_finder", effectiveFrom: from, pricePerCall: Decimal6("0.03")!, freeQuotaPerMonth: 25),
                ServicePriceRow(service: "termene", operation: "company_info", effectiveFrom: from, pricePerCall: Decimal6("0.05")!, freeQuotaPerMonth: 2, quotaScope: .tenant),
            ])
    }()

    init(_ kind: StoreKind = .sqlite) async throws {
        testLedger = try TestLedger(kind)
        store = try await testLedger.location.openWriter()
        ledger = Ledger(store: store, prices: Self.prices)
    }

    var directory: TemporaryDirectory { testLedger.directory }

    /// Appends events given as JSON objects, in one transaction.
    @discardableResult
    func append(_ json: [String]) async throws -> [Ledger.AppendOutcome] {
        try await ledger.append(json.map { ledger.candidate(try decoder.decode($0)) })
    }

    func records() async throws -> [LedgerRecord] {
        var all: [LedgerRecord] = []
        try await store.forEachRecord(.all) { all.append($0) }
        return all
    }

    static func apiCall(_ id: String, at time: String = "2026-11-10T10:00:00Z", tenant: String = "acme", service: String = "hunter", operation: String = "email_finder", status: String = "success") -> String {
        #"{"id":"\#(id)","kind":"api","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"enrich","operation":"\#(operation)","service":"\#(service)","status":"\#(status)"}"#
    }

    static func llmCall(_ id: String, at time: String = "2026-11-10T10:00:00Z", input: Int = 1000, output: Int = 100, model: String = "gpt-4o") -> String {
        #"{"id":"\#(id)","kind":"llm","timestamp":"\#(time)","tenant_id":"acme","worker":"agent","operation":"chat","provider":"openai","model":"\#(model)","input_tokens":\#(input),"output_tokens":\#(output)}"#
    }
}

@Suite("The ledger")
struct LedgerTests {
    @Test("a retry with the same content is a duplicate, also with another offset; other content is id_conflict", arguments: StoreKind.available)
    func duplicatesAndConflicts(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        let first = LedgerFixture.llmCall("e1", at: "2026-11-10T12:00:00+02:00")
        let retry = LedgerFixture.llmCall("e1", at: "2026-11-10T10:00:00.000Z")
        let changed = LedgerFixture.llmCall("e1", at: "2026-11-10T10:00:00Z", input: 1001)
        let outcomes = try await fixture.append([first, retry])
        #expect(outcomes == [.accepted(sequence: 1), .duplicate(sequence: 1)])
        let later = try await fixture.append([retry, changed, LedgerFixture.llmCall("e2")])
        #expect(later[0] == .duplicate(sequence: 1))
        guard case .conflict(let error) = later[1] else {
            Issue.record("expected a conflict, got \(later[1])")
            return
        }
        #expect(error.code == .idConflict && error.eventID == "e1")
        #expect(later[2] == .accepted(sequence: 2))
        #expect(try await fixture.store.recordCount() == 2)
    }

    @Test("a quota of 25: the 26th successful call of the month pays, errors consume none, next month resets", arguments: StoreKind.available)
    func globalQuota(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        // 30 successful calls in November, with errors after the 5th, 10th and 25th, over two transactions.
        var november: [String] = []
        for call in 1...30 {
            november.append(LedgerFixture.apiCall("ok-\(call)", tenant: call % 2 == 0 ? "acme" : "globex"))
            if [5, 10, 25].contains(call) { november.append(LedgerFixture.apiCall("err-\(call)", status: "error")) }
        }
        try await fixture.append(Array(november[0..<12]))
        try await fixture.append(Array(november[12...]))
        // A retry of a counted call is a duplicate and consumes nothing.
        #expect(try await fixture.append([november[0]]) == [.duplicate(sequence: 1)])
        try await fixture.append([LedgerFixture.apiCall("dec-1", at: "2026-12-01T00:00:00Z")])

        let records = try await fixture.records()
        let costs = Dictionary(uniqueKeysWithValues: records.map { ($0.event.id, $0.pricing) })
        for call in 1...25 { #expect(costs["ok-\(call)"]?.cost == .zero && costs["ok-\(call)"]?.freeQuota == true) }
        for call in 26...30 { #expect(costs["ok-\(call)"]?.cost.description == "0.030000000" && costs["ok-\(call)"]?.freeQuota == false) }
        for call in [5, 10, 25] { #expect(costs["err-\(call)"]?.cost == .zero && costs["err-\(call)"]?.freeQuota == false) }
        #expect(costs["dec-1"]?.cost == .zero && costs["dec-1"]?.freeQuota == true)
        // 5 paid calls × 0.03
        #expect(records.reduce(Money.zero) { $0 + $1.pricing.cost }.description == "0.150000000")
        #expect(try await fixture.ledger.verify().isSound)
    }

    @Test("a tenant-scoped quota is counted per tenant", arguments: StoreKind.available)
    func tenantQuota(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        let call = { (id: String, tenant: String) in
            LedgerFixture.apiCall(id, tenant: tenant, service: "termene", operation: "company_info")
        }
        try await fixture.append([call("a1", "acme"), call("b1", "globex"), call("a2", "acme"), call("a3", "acme"), call("b2", "globex")])
        let costs = try await fixture.records().map { "\($0.event.id)=\($0.pricing.cost)" }
        // quota 2 per tenant: acme's third call pays 0.05; globex's two are free.
        #expect(costs == ["a1=0.000000000", "b1=0.000000000", "a2=0.000000000", "a3=0.050000000", "b2=0.000000000"])
    }

    @Test("unknown services are unpriced; unknown models are estimated by *,*", arguments: StoreKind.available)
    func unpricedAndEstimated(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.append([
            LedgerFixture.apiCall("u1", service: "clearbit", operation: "lookup"),
            LedgerFixture.llmCall("m1", input: 1_000_000, output: 0, model: "o9"),
        ])
        let records = try await fixture.records()
        #expect(records[0].pricing == EventPricing(cost: .zero, priceReference: nil, estimated: false, freeQuota: false))
        #expect(records[1].pricing == EventPricing(cost: Money(nanos: 5_000_000_000), priceReference: "*/*@2025-01-01", estimated: true, freeQuota: false))
    }

    @Test("the events table refuses UPDATE and DELETE")
    func appendOnly() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1")])
        let path = fixture.directory.file("ledger.sqlite")
        #expect(throws: ToolError.self) { try runTool("sqlite3", [path, "UPDATE events SET cost_nanos = 0"]) }
        #expect(throws: ToolError.self) { try runTool("sqlite3", [path, "DELETE FROM events"]) }
        #expect(try runTool("sqlite3", [path, "SELECT count(*) FROM events"]) == "1\n")
    }

    @Test("verify names the first tampered sequence number", arguments: [
        ("DROP TRIGGER events_append_only_update; UPDATE events SET cost_nanos = cost_nanos + 1 WHERE seq = 3;", Int64(3)),
        ("DROP TRIGGER events_append_only_update; UPDATE events SET tenant_id = 'globex' WHERE seq = 4;", Int64(4)),
        ("DROP TRIGGER events_append_only_update; UPDATE events SET hash = zeroblob(32) WHERE seq = 2;", Int64(2)),
        ("DROP TRIGGER events_append_only_delete; DELETE FROM events WHERE seq = 2;", Int64(2)),
    ])
    func tampering(sql: String, badSequence: Int64) async throws {
        let directory: TemporaryDirectory
        do {
            let fixture = try await LedgerFixture()
            directory = fixture.directory
            try await fixture.append((1...5).map { LedgerFixture.llmCall("e\($0)") })
            let report = try await fixture.ledger.verify()
            #expect(report.isSound && report.checked == 5)
        }
        defer { directory.remove() }
        let path = directory.file("ledger.sqlite")
        _ = try runTool("sqlite3", [path, sql])
        let report = try await Ledger(store: try SQLiteLedgerStore(path: path), prices: LedgerFixture.prices).verify()
        #expect(report.failure?.sequence == badSequence)
    }

    @Test("verify finds a rollup that no longer adds up to the events")
    func tamperedRollup() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1"), LedgerFixture.apiCall("a1")])
        #expect(try await fixture.ledger.verify().isSound)
        _ = try runTool("sqlite3", [fixture.directory.file("ledger.sqlite"), "UPDATE rollup_daily SET cost_nanos = cost_nanos - 1 WHERE key_id IN (SELECT id FROM usage_key WHERE kind = 'llm')"])
        let report = try await fixture.ledger.verify()
        #expect(report.failure == nil)
        #expect(report.rollupMismatch?.hasPrefix("rollup_daily for 2026-11-10 tenant acme chat") == true, "\(report)")
    }

    @Test("verify finds a rollup day without events and a count that is off", arguments: [
        ("CREATE TEMP TABLE copy AS SELECT * FROM rollup_daily LIMIT 1; UPDATE copy SET day = day + 3; "
            + "INSERT INTO rollup_daily SELECT * FROM copy", "rollup_daily for 2026-11-13 tenant acme"),
        // The section 11 sums that carry money are compared too.
        ("UPDATE rollup_daily SET provider_cost_nanos = provider_cost_nanos + 1 WHERE key_id IN (SELECT id FROM usage_key WHERE kind = 'llm')",
         "rollup_daily for 2026-11-10 tenant acme chat"),
        ("UPDATE rollup_daily SET reasoning_tokens = reasoning_tokens + 1 WHERE key_id IN (SELECT id FROM usage_key WHERE kind = 'llm')",
         "rollup_daily for 2026-11-10 tenant acme chat"),
        ("UPDATE rollup_daily SET requests = requests + 1 WHERE key_id IN (SELECT id FROM usage_key WHERE kind = 'llm')",
         "rollup_daily for 2026-11-10 tenant acme chat"),
    ])
    func tamperedRollupCounts(sql: String, expected: String) async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1"), LedgerFixture.apiCall("a1"), LedgerFixture.llmCall("e2", at: "2026-11-11T09:00:00Z")])
        _ = try runTool("sqlite3", [fixture.directory.file("ledger.sqlite"), sql])
        let report = try await fixture.ledger.verify()
        #expect(report.failure == nil && report.checked == 3)
        #expect(report.rollupMismatch?.hasPrefix(expected) == true, "\(report)")
    }

    @Test("a ledger of schema version 1 is migrated: its rollups are rebuilt from its events")
    func migration() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        try await fixture.append([
            LedgerFixture.llmCall("e1"), LedgerFixture.apiCall("a1"), LedgerFixture.llmCall("e2", at: "2026-11-11T09:00:00Z", model: "o1"),
        ])
        let path = fixture.directory.file("ledger.sqlite")
        let end = Timestamp(rfc3339: "2026-11-12T00:00:00Z")!.millis
        let before = try await LedgerAggregates(store: fixture.store).usage(to: end)
        // Version 1 had another daily rollup layout and no usage_key table.
        _ = try runTool("sqlite3", [path, "DROP TABLE rollup_daily; DROP TABLE usage_key; DROP TABLE conversation_total; PRAGMA user_version = 1"])
        let reopened = try SQLiteLedgerStore(path: path)
        #expect(try await LedgerAggregates(store: reopened).usage(to: end) == before)
        #expect(try await Ledger(store: reopened, prices: LedgerFixture.prices).verify().isSound)
        #expect(try runTool("sqlite3", [path, "PRAGMA user_version"]) == "5\n")
    }

    @Test("two connections writing in turn (the CLI and the server) share one numbering of usage keys")
    func twoWriters() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        let other = Ledger(store: try SQLiteLedgerStore(path: fixture.directory.file("ledger.sqlite")), prices: LedgerFixture.prices)
        func append(_ ledger: Ledger, _ json: String) async throws {
            _ = try await ledger.append([ledger.candidate(try fixture.decoder.decode(json))])
        }
        try await append(fixture.ledger, LedgerFixture.llmCall("e1"))
        try await append(other, LedgerFixture.apiCall("a1"))  // a key the first connection has not seen
        try await append(fixture.ledger, LedgerFixture.apiCall("a2"))  // the same key, from the first connection
        try await append(other, LedgerFixture.llmCall("e2", model: "o1"))
        try await append(fixture.ledger, LedgerFixture.llmCall("e3", model: "o1"))
        let end = Timestamp(rfc3339: "2026-11-11T00:00:00Z")!.millis
        var expected: [UsageKey: UsageTotals] = [:]
        for record in try await fixture.records() { expected[UsageKey(record.event), default: UsageTotals()].add(UsageTotals(record.event, pricing: record.pricing)) }
        #expect(try await LedgerAggregates(store: fixture.store).usage(to: end) == expected)
        #expect(try await LedgerAggregates(store: other.store).usage(to: end) == expected)
        #expect(try runTool("sqlite3", [fixture.directory.file("ledger.sqlite"), "SELECT count(*) FROM usage_key"]) == "3\n")
        #expect(try await fixture.ledger.verify().isSound)
    }

    @Test("a stored cost that no longer matches the price table is found", arguments: StoreKind.available)
    func repricing(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1"), LedgerFixture.llmCall("e2")])
        let cheaper = try PriceTable(
            llm: [LLMPriceRow(provider: "*", model: "*", effectiveFrom: CivilDate(iso: "2020-01-01")!, input: Decimal6("1")!, output: Decimal6("1")!)],
            services: [])
        // The chain is intact: not a failure, a drift of both events that reprice can correct.
        let report = try await Ledger(store: fixture.store, prices: cheaper).verify()
        #expect(report.failure == nil && report.rollupMismatch == nil)
        #expect(report.priceDrift == VerificationReport.PriceDrift(events: 2, firstSequence: 1))
        #expect(
            report.priceDrift?.description
                == "2 events are priced differently by the current tables (first at sequence 1): run costledger reprice")
    }
}
