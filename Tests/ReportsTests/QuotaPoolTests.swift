import App
import BudgetEngine
import CostLedger
import Optimizer
import Pricing
import Reports
import TestSupport
import Testing

/// Contract 15.2: every free-quota pool in force shows in `external-api-DATE.csv` and in the
/// `external_api_quota_remaining` gauge, with or without calls this month.
@Suite("Every quota pool, every day")
struct QuotaPoolTests {
    static let from = CivilDate(iso: "2020-01-01")!
    /// hunter/email_finder: 0.03 a call, 2 free a month for everyone; maps/geocode: 0.005 a call,
    /// 10 free a month per tenant; termene/company_info: 0.05 a call, no quota.
    static let prices = try! PriceTable(
        llm: [LLMPriceRow(provider: "openai", model: "mini", effectiveFrom: from, input: Decimal6("0.15")!, output: Decimal6("0.60")!)],
        services: [
            ServicePriceRow(service: "hunter", operation: "email_finder", effectiveFrom: from, pricePerCall: Decimal6("0.03")!, freeQuotaPerMonth: 2),
            ServicePriceRow(
                service: "maps", operation: "geocode", effectiveFrom: from, pricePerCall: Decimal6("0.005")!, freeQuotaPerMonth: 10,
                quotaScope: .tenant),
            ServicePriceRow(service: "termene", operation: "company_info", effectiveFrom: from, pricePerCall: Decimal6("0.05")!),
        ])
    /// `listed` has a row and no events at all.
    static let tenants = TenantDirectory(policies: [BudgetPolicy.defaults(for: "listed")])
    static let header = "service,operation,tenant_id,calls,errors,units,free_quota,quota_used,quota_remaining,cost_usd,unpriced_calls"

    final class Fixture {
        let testLedger: TestLedger
        let store: any LedgerStore
        let ledger: Ledger
        var counter = 0

        init(_ kind: StoreKind) async throws {
            testLedger = try TestLedger(kind)
            store = try await testLedger.location.openWriter()
            ledger = Ledger(store: store, prices: QuotaPoolTests.prices)
        }

        func call(_ tenant: String, _ time: String, _ service: String, _ operation: String) async throws {
            counter += 1
            let event = UsageEvent(
                id: "e\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "w", operation: operation,
                usage: .api(APICall(service: service, status: .success)))
            _ = try await ledger.append([ledger.candidate(event)])
        }

        func chat(_ tenant: String, _ time: String) async throws {
            counter += 1
            let event = UsageEvent(
                id: "e\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "w", operation: "chat",
                usage: .llm(LLMCall(provider: "openai", model: "mini", tokens: LLMUsage(inputTokens: 100, outputTokens: 10))))
            _ = try await ledger.append([ledger.candidate(event)])
        }

        func snapshot(_ asOf: String) async throws -> ReportSnapshot {
            try await ReportSnapshot(
                store: store, prices: QuotaPoolTests.prices, tenants: QuotaPoolTests.tenants, downgrades: DowngradeMap(), optimizer: nil,
                asOf: Timestamp(rfc3339: asOf)!)
        }

        func remove() async {
            await store.close()
            testLedger.remove()
        }
    }

    static func quotaGauge(_ snapshot: ReportSnapshot) -> [String] {
        snapshot.prometheusTextfile().split(separator: "\n").map(String.init).filter { $0.hasPrefix("cerniq_etapa3_external_api_quota_remaining{") }
    }

    @Test("in the first hour of a month, before any call, every pool with a free quota is listed in full", arguments: StoreKind.available)
    func firstHour(_ kind: StoreKind) async throws {
        let ledger = try await Fixture(kind)
        // November: calls of every operation by t1 and t2. December so far: one LLM request of t2.
        try await ledger.call("t1", "2026-11-10T09:00:00Z", "hunter", "email_finder")
        try await ledger.call("t1", "2026-11-10T09:00:00Z", "maps", "geocode")
        try await ledger.call("t2", "2026-11-10T09:00:00Z", "termene", "company_info")
        try await ledger.chat("t2", "2026-12-01T00:10:00Z")
        let snapshot = try await ledger.snapshot("2026-12-01T00:30:00Z")
        await ledger.remove()
        // hunter's global pool and maps' pool for each tenant with a row (listed) or events this
        // month (t2; t1's were all in November); termene has no quota and no calls: no row.
        #expect(
            String(decoding: snapshot.externalAPITable.csvBytes, as: UTF8.self)
                == """
                \(Self.header)
                hunter,email_finder,,0,0,0,2,0,2,0.000000000,0
                maps,geocode,listed,0,0,0,10,0,10,0.000000000,0
                maps,geocode,t2,0,0,0,10,0,10,0.000000000,0

                """)
        #expect(
            Self.quotaGauge(snapshot) == [
                #"cerniq_etapa3_external_api_quota_remaining{service="hunter",operation="email_finder"} 2"#,
                #"cerniq_etapa3_external_api_quota_remaining{service="maps",operation="geocode",tenant_id="listed"} 10"#,
                #"cerniq_etapa3_external_api_quota_remaining{service="maps",operation="geocode",tenant_id="t2"} 10"#,
            ])
    }

    @Test("a tenant-scoped pool counts each tenant's calls; the day a quota ran out is kept", arguments: StoreKind.available)
    func tenantScoped(_ kind: StoreKind) async throws {
        let ledger = try await Fixture(kind)
        // December: t1 calls hunter 3 times (2 free, the third 0.03 on the 3rd) and geocodes 12
        // times (10 free, 2 × 0.005 = 0.01); t2 geocodes twice (free); termene once (0.05).
        try await ledger.call("t1", "2026-12-02T09:00:00Z", "hunter", "email_finder")
        try await ledger.call("t2", "2026-12-02T10:00:00Z", "hunter", "email_finder")
        try await ledger.call("t1", "2026-12-03T09:00:00Z", "hunter", "email_finder")
        for hour in 10...21 { try await ledger.call("t1", "2026-12-04T\(hour):00:00Z", "maps", "geocode") }
        try await ledger.call("t2", "2026-12-04T10:30:00Z", "maps", "geocode")
        try await ledger.call("t2", "2026-12-05T10:30:00Z", "maps", "geocode")
        try await ledger.call("t2", "2026-12-05T11:00:00Z", "termene", "company_info")
        let snapshot = try await ledger.snapshot("2026-12-05T12:00:00Z")
        await ledger.remove()
        // hunter's global pool: t1, t2, t1 → the last one is paid. geocode: t1's 11th and 12th are paid.
        #expect(
            String(decoding: snapshot.externalAPITable.csvBytes, as: UTF8.self)
                == """
                \(Self.header)
                hunter,email_finder,,3,0,3,2,2,0,0.030000000,0
                maps,geocode,listed,0,0,0,10,0,10,0.000000000,0
                maps,geocode,t1,12,0,12,10,10,0,0.010000000,0
                maps,geocode,t2,2,0,2,10,2,8,0.000000000,0
                termene,company_info,,1,0,1,,,,0.050000000,0

                """)
        #expect(
            Self.quotaGauge(snapshot) == [
                #"cerniq_etapa3_external_api_quota_remaining{service="hunter",operation="email_finder"} 0"#,
                #"cerniq_etapa3_external_api_quota_remaining{service="maps",operation="geocode",tenant_id="listed"} 10"#,
                #"cerniq_etapa3_external_api_quota_remaining{service="maps",operation="geocode",tenant_id="t1"} 0"#,
                #"cerniq_etapa3_external_api_quota_remaining{service="maps",operation="geocode",tenant_id="t2"} 8"#,
            ])
        // hunter's two free calls were used by the end of 2 December (t1's and t2's); t1's ten
        // free geocodes on 4 December.
        let ranOut = Dictionary(uniqueKeysWithValues: snapshot.quotaPools.map { ("\($0.service)/\($0.operation)/\($0.tenantID)", $0.exhaustedOn) })
        #expect(ranOut["hunter/email_finder/"] == CivilDate(iso: "2026-12-02"))
        #expect(ranOut["maps/geocode/t1"] == CivilDate(iso: "2026-12-04"))
        #expect(ranOut["maps/geocode/t2"] == .some(nil))
        #expect(ranOut["termene/company_info/"] == .some(nil))
    }
}
