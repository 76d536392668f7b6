import App
import BudgetEngine
import CostLedger
import Pricing
import TestSupport
import Testing

/// A ledger priced by one row (1M input tokens = 2.50 USD), so costs are easy to build by hand.
struct BudgetFixture {
    let testLedger: TestLedger
    let store: any LedgerStore
    let ledger: Ledger
    var counter = 0

    static let prices = try! PriceTable(
        llm: [LLMPriceRow(provider: "openai", model: "gpt-4o", effectiveFrom: CivilDate(iso: "2020-01-01")!, input: Decimal6("2.50")!, output: Decimal6("10")!)],
        services: [ServicePriceRow(service: "termene", operation: "company_info", effectiveFrom: CivilDate(iso: "2020-01-01")!, pricePerCall: Decimal6("0.05")!)])

    init(_ kind: StoreKind = .sqlite) async throws {
        testLedger = try TestLedger(kind)
        store = try await testLedger.location.openWriter()
        ledger = Ledger(store: store, prices: Self.prices)
    }

    var directory: TemporaryDirectory { testLedger.directory }

    /// Appends an LLM event costing exactly `usd` (a multiple of 0.0000025) at `time`.
    mutating func spend(_ usd: String, at time: String, tenant: String, conversation: String? = nil) async throws {
        counter += 1
        let tokens = Money(decimal: usd)!.nanos * 1_000_000 / 2_500_000_000
        let event = UsageEvent(
            id: "e\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "agent", operation: "chat",
            conversationID: conversation,
            usage: .llm(LLMCall(provider: "openai", model: "gpt-4o", tokens: LLMUsage(inputTokens: tokens, outputTokens: 0))))
        _ = try await ledger.append([ledger.candidate(event)])
    }

    mutating func apiCall(at time: String, tenant: String) async throws {
        counter += 1
        let event = UsageEvent(
            id: "a\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "enrich", operation: "company_info",
            usage: .api(APICall(service: "termene", status: .success)))
        _ = try await ledger.append([ledger.candidate(event)])
    }

    func budget(_ tenant: String, asOf: String, policies: [BudgetPolicy]) async throws -> TenantBudget {
        let engine = BudgetEngine(aggregates: LedgerAggregates(store: store), tenants: TenantDirectory(policies: policies))
        let snapshot = try await engine.budgets(asOf: Timestamp(rfc3339: asOf)!, tenantIDs: [tenant])
        return try #require(snapshot.tenants.first { $0.tenantID == tenant })
    }
}

func policy(_ tenant: String, daily: String, monthly: String, limit: String = "1", timezone: String) -> BudgetPolicy {
    BudgetPolicy(
        tenantID: tenant, dailyBudget: Money(decimal: daily)!, monthlyBudget: Money(decimal: monthly)!,
        perConversationLimit: Money(decimal: limit)!, warningThreshold: Decimal6("0.7")!, criticalThreshold: Decimal6("0.9")!,
        timezone: timezone)
}

@Suite("Budget engine")
struct BudgetEngineTests {
    @Test("Europe/Bucharest on the 25-hour day clocks go back (2026-10-25)", arguments: StoreKind.available)
    func bucharestLongDay(_ kind: StoreKind) async throws {
        var fixture = try await BudgetFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.spend("5.0", at: "2026-09-15T10:00:00Z", tenant: "buc", conversation: "c0")  // September: not this month
        try await fixture.spend("1.0", at: "2026-10-24T20:59:59.999Z", tenant: "buc")  // 23:59:59.999 local on the 24th
        try await fixture.spend("2.0", at: "2026-10-24T21:00:00Z", tenant: "buc", conversation: "c1")  // local midnight (+03:00)
        try await fixture.spend("3.0", at: "2026-10-25T10:00:00Z", tenant: "buc")
        try await fixture.spend("7.0", at: "2026-10-25T12:00:00.001Z", tenant: "buc")  // after as_of
        try await fixture.apiCall(at: "2026-10-25T09:00:00Z", tenant: "buc")
        let budget = try await fixture.budget("buc", asOf: "2026-10-25T12:00:00Z", policies: [policy("buc", daily: "10", monthly: "100", timezone: "Europe/Bucharest")])

        // The local day runs from 2026-10-24T21:00Z to 2026-10-25T22:00Z: 25 hours; 15 have elapsed.
        #expect(budget.day.period.length == 25 * 3_600_000)
        #expect(budget.day.spend.description == "5.000000000")
        #expect(budget.day.utilization.description == "0.500000")
        #expect(budget.day.remaining.description == "5.000000000")
        #expect(budget.day.projected.description == "8.333333333")  // 5 × 25 / 15
        #expect(budget.day.status == .ok)
        // October local: 2026-09-30T21:00Z to 2026-10-31T22:00Z = 745 h; 591 h elapsed; 6 USD spent.
        #expect(budget.month.spend.description == "6.000000000")
        #expect(budget.month.utilization.description == "0.060000")
        #expect(budget.month.projected.description == "7.563451777")  // 6 × 745 / 591, half to even
        #expect(budget.externalAPIMonthSpend.description == "0.050000000")
        // c1 costs 2 > 1 and is active this month; c0 costs 5 but only in September.
        #expect(budget.conversationsOverLimit == 1)
    }

    @Test("America/New_York in the first hour of the 23-hour day clocks go forward (2026-03-08)", arguments: StoreKind.available)
    func newYorkFirstHour(_ kind: StoreKind) async throws {
        var fixture = try await BudgetFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.spend("2.0", at: "2026-03-08T04:30:00Z", tenant: "nyc")  // exactly as_of - 1 h: outside the last hour
        try await fixture.spend("1.0", at: "2026-03-08T04:45:00Z", tenant: "nyc")  // 23:45 local, the day before
        try await fixture.spend("0.5", at: "2026-03-08T05:10:00Z", tenant: "nyc")
        try await fixture.spend("0.25", at: "2026-03-08T05:30:00Z", tenant: "nyc")  // exactly as_of: inside
        let budget = try await fixture.budget("nyc", asOf: "2026-03-08T05:30:00Z", policies: [policy("nyc", daily: "1", monthly: "10", timezone: "America/New_York")])

        #expect(budget.day.period.length == 23 * 3_600_000)
        #expect(budget.day.spend.description == "0.750000000")
        #expect(budget.day.status == .warning)  // 0.75 ≥ 0.7
        // Under an hour elapsed: (1.0 + 0.5 + 0.25) in the last hour × 23 h / 1 h.
        #expect(budget.day.projected.description == "40.250000000")
        // March local = 743 h; 168.5 h elapsed; 3.75 USD spent.
        #expect(budget.month.spend.description == "3.750000000")
        #expect(budget.month.projected.description == "16.535608309")
        #expect(budget.month.utilization.description == "0.375000")
    }

    @Test("at a month boundary both periods restart; statuses follow the thresholds", arguments: StoreKind.available)
    func monthBoundary(_ kind: StoreKind) async throws {
        var fixture = try await BudgetFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.spend("1.0", at: "2026-10-31T21:59:59.999Z", tenant: "buc")  // 23:59:59.999 on 31 October, local
        try await fixture.spend("2.0", at: "2026-10-31T22:00:00Z", tenant: "buc")  // local midnight of 1 November (+02:00)
        let budget = try await fixture.budget("buc", asOf: "2026-10-31T22:30:00Z", policies: [policy("buc", daily: "2", monthly: "2.1", timezone: "Europe/Bucharest")])
        #expect(budget.day.spend.description == "2.000000000" && budget.month.spend.description == "2.000000000")
        #expect(budget.day.projected.description == "72.000000000")  // 3 USD in the last hour × 24 h
        #expect(budget.month.projected.description == "2160.000000000")  // × 720 h
        #expect(budget.day.status == .exceeded && budget.day.remaining == .zero)
        #expect(budget.month.status == .critical)  // 2 / 2.1 = 0.952381
        #expect(budget.month.utilization.description == "0.952381")
    }

    @Test("a tenant without a row gets the seed's defaults", arguments: StoreKind.available)
    func defaults(_ kind: StoreKind) async throws {
        var fixture = try await BudgetFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.spend("70.0", at: "2026-11-20T10:00:00Z", tenant: "other")
        let budget = try await fixture.budget("other", asOf: "2026-11-20T12:00:00Z", policies: [])
        #expect(budget.policy == .defaults(for: "other"))
        #expect(budget.day.status == .warning)  // 70 / 100
        #expect(budget.day.projected.description == "140.000000000")  // 70 × 24 / 12
    }

    @Test("a bad tenants file names the file and line")
    func tenantFileErrors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let header = TenantDirectory.columns.joined(separator: ",")
        for (row, mention) in [
            ("acme,10,100,1,0.9,0.7,UTC", "warning_threshold"), ("acme,0,100,1,0.7,0.9,UTC", "daily_budget_usd"),
            ("acme,10,100,1,0.7,0.9,Mars/Olympus", "time zone"), ("acme,10,100,1,0.7,1.5,UTC", "critical_threshold"),
        ] {
            let path = try directory.write("tenants.csv", header + "\nok,1,1,1,0.7,0.9,UTC\n" + row + "\n")
            #expect(throws: TenantFileError.self) { try TenantDirectory(contentsOf: path) }
            do {
                _ = try TenantDirectory(contentsOf: path)
            } catch {
                #expect(error.line == 3 && error.message.contains(mention), "\(error)")
            }
        }
        let duplicate = try directory.write("dup.csv", header + "\nok,1,1,1,0.7,0.9,UTC\nok,1,1,1,0.7,0.9,UTC\n")
        #expect(throws: TenantFileError.self) { try TenantDirectory(contentsOf: duplicate) }
    }

    @Test("a time zone must be an IANA name: abbreviations and offsets Foundation also reads are refused")
    func ianaTimeZones() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let header = TenantDirectory.columns.joined(separator: ",")
        // GMT+5 is UTC+5 to Foundation, Etc/GMT+5 UTC-5 to the IANA database: only the latter is a name.
        for zone in ["GMT+5", "UTC+2", "EST5EDT", "EST", "CET", "US/Eastern", "Mars/Olympus", "europe/bucharest", "Europe/"] {
            let path = try directory.write("tenants.csv", header + "\nacme,10,100,1,0.7,0.9,\(zone)\n")
            do {
                _ = try TenantDirectory(contentsOf: path)
                Issue.record("\(zone) was accepted")
            } catch {
                #expect(error.line == 2)
                #expect(error.message == "timezone '\(zone)' is not an IANA time zone name (such as Europe/Bucharest, Etc/GMT-5 or UTC)")
            }
        }
        let zones = ["UTC", "GMT", "Etc/GMT+5", "Etc/UTC", "Europe/Bucharest", "America/Argentina/Buenos_Aires", "Asia/Kolkata"]
        let rows = zones.enumerated().map { "t\($0.offset),10,100,1,0.7,0.9,\($0.element)" }
        let path = try directory.write("tenants.csv", header + "\n" + rows.joined(separator: "\n") + "\n")
        let tenants = try TenantDirectory(contentsOf: path)
        #expect(zones.indices.map { tenants.policy(for: "t\($0)").timezone } == zones)
    }
}
