import CostLedger
import Pricing
import Testing

@Suite("UsageTotals: section 11's sums")
struct UsageTotalsTests {
    static let decoder = EventDecoder(now: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!)

    static func llm(_ extra: String) throws -> UsageEvent {
        try decoder.decode(String(LedgerFixture.llmCall("e1").dropLast()) + extra + "}")
    }

    static let priced = EventPricing(cost: Money(nanos: 700), priceReference: "openai/gpt-4o@2025-01-01", estimated: false, freeQuota: false)

    @Test("an event's figures; sums shared between values are copied before one of them changes; a sum back to zero is zero")
    func copyOnWrite() throws {
        // Given an event with reasoning tokens, a web search and a provider cost
        let event = try Self.llm(#","reasoning_tokens":60,"web_search_requests":1,"provider_cost_usd":"0.000000500""#)
        let one = UsageTotals(event, pricing: Self.priced)
        #expect(one.section11.reasoningTokens == 60 && one.section11.webSearchRequests == 1)
        #expect(one.section11.providerCostedRequests == 1 && one.section11.providerCostedCost.nanos == 700)
        #expect(one.section11.providerCost.nanos == 500 && one.section11.unknownModelRequests == 0)

        // When a sum takes its figures and then adds them again
        var sum = UsageTotals()
        sum.add(one)
        sum.add(one)
        // Then the event's own figures are unchanged, and the sum has twice them
        #expect(one.section11.reasoningTokens == 60 && sum.section11.reasoningTokens == 120)
        #expect(sum.section11.providerCost.nanos == 1_000 && sum.requests == 2)

        // Taking both away leaves totals equal to (and hashing as) empty ones
        sum.add(UsageTotals(event, pricing: Self.priced, sign: -1))
        sum.add(UsageTotals(event, pricing: Self.priced, sign: -1))
        #expect(sum == UsageTotals() && Set([sum, UsageTotals()]).count == 1)
        // An event of section 2 alone has none
        #expect(UsageTotals(try Self.llm(""), pricing: Self.priced).section11 == Section11Totals())
    }

    @Test("unknown models: priced by provider,* or *,* (tier suffix too), by no row, or by the provider's figure", arguments: [
        ("openai/*@2025-01-01", true), ("*/*@2025-01-01/flex", true), (nil, true), ("provider", true),
        ("openai/gpt-4o@2025-01-01", false), ("openai/gpt-*@2025-01-01", false), ("openai/meta/*@2025-01-01", false),
        ("openaix/*@2025-01-01", false), ("provider/x", false),
    ] as [(String?, Bool)])
    func unknownModels(reference: String?, unknown: Bool) {
        let pricing = EventPricing(cost: .zero, priceReference: reference, estimated: false, freeQuota: false)
        #expect(pricing.pricedForUnknownModel(provider: "openai") == unknown)
    }
}
