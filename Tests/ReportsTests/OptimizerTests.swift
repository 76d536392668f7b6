import App
import CostLedger
import Optimizer
import Pricing
import TestSupport
import Testing

@Suite("Optimizer")
struct OptimizerTests {
    static let from = CivilDate(iso: "2020-01-01")!
    static let prices = try! PriceTable(
        llm: [
            LLMPriceRow(
                provider: "anthropic", model: "sonnet", effectiveFrom: from, input: Decimal6("3")!, output: Decimal6("15")!,
                cacheRead: Decimal6("0.30")!, cacheWrite: Decimal6("3.75")!, batchDiscount: Decimal6("0.5")!),
            LLMPriceRow(
                provider: "anthropic", model: "haiku", effectiveFrom: from, input: Decimal6("0.25")!, output: Decimal6("1.25")!,
                cacheRead: Decimal6("0.025")!, cacheWrite: Decimal6("0.3125")!, batchDiscount: Decimal6("0.5")!),
            LLMPriceRow(provider: "openai", model: "mini", effectiveFrom: from, input: Decimal6("0.15")!, output: Decimal6("0.60")!),
        ],
        services: [
            ServicePriceRow(service: "hunter", operation: "email_finder", effectiveFrom: from, pricePerCall: Decimal6("0.03")!, freeQuotaPerMonth: 2)
        ])
    static let asOf = Timestamp(rfc3339: "2026-11-30T23:59:59.999Z")!

    final class Fixture {
        let testLedger: TestLedger
        let store: any LedgerStore
        let ledger: Ledger
        var counter = 0

        init(_ kind: StoreKind = .sqlite) async throws {
            testLedger = try TestLedger(kind)
            store = try await testLedger.location.openWriter()
            ledger = Ledger(store: store, prices: OptimizerTests.prices)
        }

        var directory: TemporaryDirectory { testLedger.directory }

        func llm(
            _ tenant: String, _ time: String, model: String = "sonnet", operation: String, input: Int64, output: Int64,
            fingerprint: String? = nil, batch: Bool = false
        ) async throws {
            counter += 1
            let call = LLMCall(
                provider: model == "mini" ? "openai" : "anthropic", model: model,
                tokens: LLMUsage(inputTokens: input, outputTokens: output, batch: batch), promptFingerprint: fingerprint)
            try await append(UsageEvent(id: "e\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "w", operation: operation, usage: .llm(call)))
        }

        func finder(_ tenant: String, _ time: String, key: String) async throws {
            counter += 1
            let call = APICall(service: "hunter", status: .success, requestKey: key)
            try await append(UsageEvent(id: "e\(counter)", timestamp: Timestamp(rfc3339: time)!, tenantID: tenant, worker: "w", operation: "email_finder", usage: .api(call)))
        }

        private func append(_ event: UsageEvent) async throws {
            _ = try await ledger.append([ledger.candidate(event)])
        }

        func recommend(minimumBatchRequests: Int64 = 3) async throws -> [Recommendation] {
            var settings = OptimizerSettings()
            settings.minimumBatchRequests = minimumBatchRequests
            settings.savingsFloor = Money(decimal: "0.001")!
            let optimizer = Optimizer(
                aggregates: LedgerAggregates(store: store), prices: OptimizerTests.prices,
                downgrades: DowngradeMap([(provider: "anthropic", model: "sonnet", cheaperModel: "haiku")]), settings: settings)
            return try await optimizer.recommend(asOf: OptimizerTests.asOf)
        }
    }

    /// Every category on one hand-built ledger; each figure worked out below. The window is the 30
    /// days of November; savings scale by 30 days over the time from a tenant's first day to as_of.
    @Test("each category fires with its exact saving", arguments: StoreKind.available)
    func everyCategory(_ kind: StoreKind) async throws {
        let ledger = try await Fixture(kind)
        defer { ledger.directory.remove() }
        // t1: 10 small classification requests on sonnet (1000 in, 100 out) from 1 November.
        for day in 1...10 { try await ledger.llm("t1", "2026-11-\(day < 10 ? "0" : "")\(day)T12:00:00Z", operation: "classification", input: 1000, output: 100) }
        // t2: from 5 November (26 days), 4 chat requests of 10,000 tokens with one fingerprint,
        // three of them within one 5-minute window.
        for minute in ["10:00", "10:01", "10:02"] {
            try await ledger.llm("t2", "2026-11-05T\(minute):00Z", operation: "chat", input: 10_000, output: 0, fingerprint: "fp1")
        }
        try await ledger.llm("t2", "2026-11-05T12:00:00Z", operation: "chat", input: 10_000, output: 0, fingerprint: "fp1")
        // t3: 4 single summarization requests on haiku, 1000 in and 1000 out, from 1 November.
        for day in 1...4 { try await ledger.llm("t3", "2026-11-0\(day)T08:00:00Z", model: "haiku", operation: "summarization", input: 1000, output: 1000) }
        // t4: from 2 November (29 days), hunter calls with a global free quota of 2: k1, k2 free; k1, k1 paid.
        try await ledger.finder("t4", "2026-11-02T09:00:00Z", key: "k1")
        try await ledger.finder("t4", "2026-11-03T09:00:00Z", key: "k2")
        try await ledger.finder("t4", "2026-11-04T09:00:00Z", key: "k1")
        try await ledger.finder("t4", "2026-11-05T09:00:00Z", key: "k1")

        let found = try await ledger.recommend()
        let figures = found.map { "\($0.tenantID) \($0.category.rawValue) \($0.estimatedMonthlySavings)" }
        #expect(figures == [
            // t2: (40,000 − 4 × 2,000) tokens × 3 USD/M = 0.096; × 30/26 = 0.110769230.8 → 0.110769231
            "t2 prompt_optimization 0.110769231",
            // t2: (30,000 − 10,000) × (3 − 0.30) − 10,000 × (3.75 − 3) = 46,500 µUSD; × 30/26 → 0.053653846
            "t2 caching 0.053653846",
            // t4: k1's 3 calls cost 0.06 (one free), its 2 repeats' share 0.04; × 30/29 = 0.0413793103 → 0.041379310
            "t4 quota_management 0.041379310",
            // t1: 10 × (1000 × 3 + 100 × 15) = 45,000 µUSD now; haiku: 10,000 × 0.25 + 1,000 × 1.25 = 3,750
            "t1 model_selection 0.041250000",
            // t1: classification is non-interactive too: its 10 single requests (45,000 µUSD) half off
            "t1 batching 0.022500000",
            // t1 without fingerprints: 0.3 × 10,000 tokens × (3 − 0.30) = 8,100 µUSD
            "t1 caching 0.008100000",
            // t3: 4 × (1000 × 0.25 + 1000 × 1.25) = 6,000 µUSD of single requests, half off
            "t3 batching 0.003000000",
        ])
        let quota = try #require(found.first { $0.category == .quotaManagement })
        #expect(quota.description.contains("free quota of 2 calls ran out on 2026-11-04; 0.060000000 USD was paid after"))
        #expect(found.allSatisfy { $0.priority == .low })
        let selection = try #require(found.first { $0.category == .modelSelection })
        #expect(selection.currentMetric == "0.045000000 USD for 10 requests of classification on sonnet in 30.0 days")
        #expect(selection.targetMetric == "0.003750000 USD with haiku")
        // The same ledger gives the same ids and bytes.
        #expect(try await ledger.recommend() == found)
        #expect(Set(found.map(\.id)).count == found.count)
    }

    @Test("nothing fires on a ledger that gives no reason", arguments: StoreKind.available)
    func noReason(_ kind: StoreKind) async throws {
        let ledger = try await Fixture(kind)
        defer { ledger.directory.remove() }
        // A cheap model without a cache price or a cheaper sibling, small prompts, few requests.
        for day in 1...5 { try await ledger.llm("t1", "2026-11-0\(day)T12:00:00Z", model: "mini", operation: "classification", input: 1500, output: 200) }
        // Batch requests already; different request keys.
        try await ledger.llm("t1", "2026-11-06T12:00:00Z", model: "haiku", operation: "summarization", input: 500, output: 100, batch: true)
        try await ledger.finder("t1", "2026-11-02T09:00:00Z", key: "k1")
        try await ledger.finder("t1", "2026-11-03T09:00:00Z", key: "k2")
        try await ledger.finder("t1", "2026-11-04T09:00:00Z", key: "k3")
        // A fingerprinted request that never repeats: no cache saving, and not the no-fingerprint rule
        // (which would claim 0.3 × 2,000 × (3 − 0.30) = 1,620 µUSD).
        try await ledger.llm("t1", "2026-11-07T12:00:00Z", operation: "chat", input: 2000, output: 0, fingerprint: "fp-once")
        let found = try await ledger.recommend()
        // haiku's cache-hit rule: 0.3 × 500 × (0.25 − 0.025) = 33.75 µUSD, under the 0.001 USD floor.
        #expect(found.isEmpty, "\(found)")
    }

    @Test("a tenant's recommendations use only its own events", arguments: StoreKind.available)
    func tenantIsolation(_ kind: StoreKind) async throws {
        let ledger = try await Fixture(kind)
        defer { ledger.directory.remove() }
        for day in 1...10 { try await ledger.llm("t1", "2026-11-\(day < 10 ? "0" : "")\(day)T12:00:00Z", operation: "classification", input: 1000, output: 100) }
        let alone = try await ledger.recommend().filter { $0.tenantID == "t1" }
        // Another tenant's large, repeated, uncached traffic on the same model and operation.
        for hour in 10...19 {
            try await ledger.llm("t9", "2026-11-20T\(hour):00:00Z", operation: "classification", input: 50_000, output: 5_000, fingerprint: "fp")
            try await ledger.finder("t9", "2026-11-20T\(hour):30:00Z", key: "same")
        }
        let together = try await ledger.recommend()
        #expect(together.filter { $0.tenantID == "t1" } == alone)
        #expect(together.contains { $0.tenantID == "t9" })
    }
}
