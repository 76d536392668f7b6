import App
import CostLedger
import Optimizer
import Pricing
import TestSupport
import Testing

/// Contract 15.3: without a `recommend.csv` entry, model selection proposes the most expensive
/// model of the same provider whose input and output prices are both at most half, skipping
/// deprecated rows; an entry wins.
@Suite("Model selection without a downgrade map")
struct ModelSelectionFromPricesTests {
    static let from = CivilDate(iso: "2020-01-01")!

    static func row(_ model: String, _ input: String, _ output: String, deprecated: Bool = false, provider: String = "acme") -> LLMPriceRow {
        LLMPriceRow(
            provider: provider, model: model, effectiveFrom: from, rates: LLMRates(input: Decimal6(input)!, output: Decimal6(output)!),
            deprecated: deprecated)
    }

    /// USD per 1M tokens, input / output. For `big` (10 / 50) a candidate needs ≤ 5 / ≤ 25:
    /// `mid-old` (5 / 25, sum 30) is the most expensive that qualifies but is deprecated; `lopsided`
    /// (2 / 30) fails on output; `other/cheap` is another provider's; `*x*` is a pattern naming no
    /// id; so the glob key `mid-next*` (4.5 / 22, sum 26.5), proposed as `mid-next`, wins over
    /// `mid` (4 / 20, sum 24) and `small` (1 / 5).
    static let prices = try! PriceTable(
        llm: [
            row("big", "10", "50"), row("mid-old", "5", "25", deprecated: true), row("lopsided", "2", "30"), row("mid", "4", "20"),
            row("mid-next*", "4.5", "22"), row("*x*", "4.9", "24.9"), row("small", "1", "5"), row("cheap", "0.1", "0.1", provider: "other"),
        ],
        services: [])
    static let asOf = Timestamp(rfc3339: "2026-11-30T23:59:59.999Z")!

    /// t1: 10 classification requests on big from 1 November, 1,000 input and 100 output tokens
    /// each: 10 × (1,000 × 10 + 100 × 50) = 150,000 µUSD = 0.15 USD over the 30 days of the window.
    func recommend(_ kind: StoreKind, map: DowngradeMap, model: String = "big") async throws -> [Recommendation] {
        let testLedger = try TestLedger(kind)
        defer { testLedger.remove() }
        let store = try await testLedger.location.openWriter()
        return try await store.closing {
            let ledger = Ledger(store: store, prices: Self.prices)
            for day in 1...10 {
                let call = LLMCall(provider: "acme", model: model, tokens: LLMUsage(inputTokens: 1000, outputTokens: 100))
                let event = UsageEvent(
                    id: "e\(day)", timestamp: Timestamp(rfc3339: "2026-11-\(day < 10 ? "0" : "")\(day)T12:00:00Z")!, tenantID: "t1",
                    worker: "w", operation: "classification", usage: .llm(call))
                _ = try await ledger.append([ledger.candidate(event)])
            }
            var settings = OptimizerSettings()
            settings.savingsFloor = Money(decimal: "0.001")!
            return try await Optimizer(aggregates: LedgerAggregates(store: store), prices: Self.prices, downgrades: map, settings: settings)
                .recommend(asOf: Self.asOf).filter { $0.category == .modelSelection }
        }
    }

    @Test("derived from the price table, the deprecated row left out", arguments: StoreKind.available)
    func derived(_ kind: StoreKind) async throws {
        let found = try await recommend(kind, map: DowngradeMap())
        let selection = try #require(found.first)
        #expect(found.count == 1)
        // mid-next: 10 × (1,000 × 4.5 + 100 × 22) = 67,000 µUSD; saving 0.15 − 0.067 = 0.083 USD in 30 days.
        #expect(selection.title == "Switch classification from big to mid-next")
        #expect(selection.estimatedMonthlySavings == Money(decimal: "0.083")!)
        #expect(selection.targetMetric == "0.067000000 USD with mid-next")
        #expect(
            selection.description.hasSuffix(
                " Derived from the price table (no recommend.csv entry names a cheaper model for big): mid-next is the most expensive "
                    + "acme model not marked deprecated whose prices, 4.5 in and 22.0 out USD per 1M tokens, are both at most half of "
                    + "big's 10.0 and 50.0."), "\(selection.description)")
    }

    @Test("a recommend.csv entry wins over the price table", arguments: StoreKind.available)
    func mapWins(_ kind: StoreKind) async throws {
        let found = try await recommend(kind, map: DowngradeMap([(provider: "acme", model: "big", cheaperModel: "small")]))
        let selection = try #require(found.first)
        // small: 10 × (1,000 × 1 + 100 × 5) = 15,000 µUSD; saving 0.15 − 0.015 = 0.135 USD.
        #expect(selection.title == "Switch classification from big to small")
        #expect(selection.estimatedMonthlySavings == Money(decimal: "0.135")!)
        #expect(!selection.description.contains("Derived from the price table"))
    }

    @Test("no proposal when no model of the same provider costs half or less", arguments: StoreKind.available)
    func noneCheapEnough(_ kind: StoreKind) async throws {
        // small (1 / 5) needs ≤ 0.5 / ≤ 2.5: only other/cheap is, and it is another provider's.
        #expect(try await recommend(kind, map: DowngradeMap(), model: "small").isEmpty)
    }
}
