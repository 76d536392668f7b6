import Pricing
import TestSupport
import Testing

@Suite("LLM pricing with the shipped price table")
struct LLMPricingTests {
    let prices: PriceTable
    let day = CivilDate(iso: "2026-11-24")!

    init() throws {
        prices = try PriceTable(directory: Repository.pricing)
    }

    func cost(_ provider: String, _ model: String, _ usage: LLMUsage) -> String {
        prices.quote(provider: provider, model: model, usage: usage, on: day).cost.description
    }

    /// input 10,000 of which 2,000 cached and 1,000 cache-written (7,000 uncached), output 1,500.
    static let mixed = LLMUsage(inputTokens: 10_000, outputTokens: 1_500, cachedTokens: 2_000, cacheWriteTokens: 1_000)

    @Test("every seed model prices a mixed request exactly", arguments: [
        // 7000×3 + 2000×0.30 + 1000×3.75 + 1500×15 = 47,850 µUSD
        ("anthropic", "claude-sonnet-4-20250514", "0.047850000"),
        // 7000×0.25 + 2000×0.025 + 1000×0.3125 + 1500×1.25 = 3,987.5 µUSD
        ("anthropic", "claude-haiku-4-20250514", "0.003987500"),
        // no cache prices: 10000×2.50 + 1500×10 = 40,000 µUSD
        ("openai", "gpt-4o", "0.040000000"),
        // 10000×0.15 + 1500×0.60 = 2,400 µUSD
        ("openai", "gpt-4o-mini", "0.002400000"),
        // 10000×0.10 + 1500×0.40 = 1,600 µUSD
        ("google", "gemini-2.0-flash", "0.001600000"),
        // 10000×1.25 + 1500×10 = 27,500 µUSD
        ("google", "gemini-2.5-pro", "0.027500000"),
    ])
    func seedModels(provider: String, model: String, expected: String) {
        let quote = prices.quote(provider: provider, model: model, usage: Self.mixed, on: day)
        #expect(quote.cost.description == expected)
        #expect(quote.estimated == false)
    }

    @Test("cached tokens of a model without a cache price pay the input price (seed defect fixed)")
    func cachedWithoutCachePrice() {
        // gpt-4o: 1000 cached tokens × 2.50 = 2,500 µUSD, not 0.
        #expect(cost("openai", "gpt-4o", LLMUsage(inputTokens: 1_000, outputTokens: 0, cachedTokens: 1_000)) == "0.002500000")
    }

    @Test("the long-context tier starts strictly above the threshold")
    func longContextThreshold() {
        // 200,000 × 1.25 + 1,000 × 10 = 260,000 µUSD
        #expect(cost("google", "gemini-2.5-pro", LLMUsage(inputTokens: 200_000, outputTokens: 1_000)) == "0.260000000")
        // 200,001 × 2.50 + 1,000 × 15 = 515,002.5 µUSD
        let quote = prices.quote(provider: "google", model: "gemini-2.5-pro", usage: LLMUsage(inputTokens: 200_001, outputTokens: 1_000), on: day)
        #expect(quote.longContext)
        #expect(quote.cost.description == "0.515002500")
    }

    @Test("the batch discount applies on top of the tier")
    func batchOnTier() {
        // 515,002.5 µUSD × (1 - 0.5) = 257,501.25 µUSD
        #expect(cost("google", "gemini-2.5-pro", LLMUsage(inputTokens: 200_001, outputTokens: 1_000, batch: true)) == "0.257501250")
        // Sonnet above 200k: 200,000 × 6 + 50,000 × 0.60 (long cache read) + 1,000 × 22.50 = 1,252,500; × 0.5 = 626,250
        let usage = LLMUsage(inputTokens: 250_000, outputTokens: 1_000, cachedTokens: 50_000, batch: true)
        #expect(cost("anthropic", "claude-sonnet-4-20250514", usage) == "0.626250000")
    }

    @Test("an empty long cache price falls back to the long input price")
    func longTierCacheFallback() throws {
        let row = LLMPriceRow(
            provider: "p", model: "m", effectiveFrom: day, input: Decimal6("1")!, output: Decimal6("2")!,
            longContext: LongContextTier(threshold: 10, input: Decimal6("4")!))
        // Per 1M tokens, above 10: 5 uncached × 4 + 6 cached × 4 (no cache price: the long input price)
        // + 1 output × 2 (no long output price) = 46 µUSD = 46,000,000 pico-USD = 46,000 nano-USD.
        let quote = row.quote(LLMUsage(inputTokens: 11, outputTokens: 1, cachedTokens: 6), estimated: false)
        #expect(quote.listPicos == 46_000_000)
        #expect(quote.cost.nanos == 46_000)
    }

    @Test("one event is rounded half to even to the nano-USD")
    func rounding() {
        // 1 cache-write token × 0.3125 = 312.5 nano → 312; 3 tokens = 937.5 nano → 938.
        #expect(cost("anthropic", "claude-haiku-4", LLMUsage(inputTokens: 1, outputTokens: 0, cacheWriteTokens: 1)) == "0.000000312")
        #expect(cost("anthropic", "claude-haiku-4", LLMUsage(inputTokens: 3, outputTokens: 0, cacheWriteTokens: 3)) == "0.000000938")
    }

    @Test("aliases price like their model; unknown models fall back to *,* and are estimated")
    func aliasesAndFallbacks() {
        // 100,000 × 3 + 100,000 × 15 = 1,800,000 µUSD (below the 200k tier)
        #expect(cost("anthropic", "claude-sonnet-4", LLMUsage(inputTokens: 100_000, outputTokens: 100_000)) == "1.800000000")
        let usage = LLMUsage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        let unknown = prices.quote(provider: "mistral", model: "no-such-mistral-model", usage: usage, on: day)
        #expect(unknown.estimated)
        #expect(unknown.row?.reference == "*/*@2020-01-01")
        #expect(unknown.cost.description == "20.000000000")
    }

    @Test("a provider-wide row comes before *,*; the row in force follows effective dates")
    func providerFallbackAndDates() throws {
        let old = LLMPriceRow(provider: "acme", model: "m1", effectiveFrom: CivilDate(iso: "2025-01-01")!, input: Decimal6("1")!, output: Decimal6("1")!)
        let new = LLMPriceRow(provider: "acme", model: "m1", effectiveFrom: CivilDate(iso: "2026-06-01")!, input: Decimal6("2")!, output: Decimal6("2")!)
        let wide = LLMPriceRow(provider: "acme", model: "*", effectiveFrom: CivilDate(iso: "2025-01-01")!, input: Decimal6("7")!, output: Decimal6("7")!)
        let any = LLMPriceRow(provider: "*", model: "*", effectiveFrom: CivilDate(iso: "2020-01-01")!, input: Decimal6("5")!, output: Decimal6("15")!)
        let table = try PriceTable(llm: [old, new, wide, any], services: [])
        let usage = LLMUsage(inputTokens: 1_000_000, outputTokens: 0)
        #expect(table.quote(provider: "acme", model: "m1", usage: usage, on: CivilDate(iso: "2026-05-31")!).cost.description == "1.000000000")
        #expect(table.quote(provider: "acme", model: "m1", usage: usage, on: CivilDate(iso: "2026-06-01")!).cost.description == "2.000000000")
        let wideQuote = table.quote(provider: "acme", model: "m2", usage: usage, on: day)
        #expect(wideQuote.cost.description == "7.000000000")
        #expect(wideQuote.estimated)
        // Before any acme row is in force, *,* prices it.
        #expect(table.quote(provider: "acme", model: "m1", usage: usage, on: CivilDate(iso: "2024-01-01")!).cost.description == "5.000000000")
    }
}
