import Pricing
import TestSupport
import Testing

/// Contract 11.2 and 11.3 on a hand-made table whose every figure is worked out below.
@Suite("Section 11 pricing, worked by hand")
struct Section11PricingTests {
    let prices: PriceTable
    let day = CivilDate(iso: "2026-11-24")!

    init() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // m1: input 2, output 10, cache read 0.2, cache write 2.5, one-hour write empty (= the
        // write price), input audio empty (= input), input image 1, output audio 20, output image
        // empty (= output), 10 USD per 1,000 searches, 0.5 per 1,000 requests; above 1,000 input
        // tokens input 4, output 15, cache read empty (= normal 0.2), write 5, one-hour write 8.
        // Its flex row: input 1 (for long requests too), one-hour write 3; the rest inherited.
        // Patterns: "m*" (input 7) comes before "m1*" (input 9); "m1" is an exact id.
        try directory.write(
            "llm.csv",
            """
            provider,model,aliases,effective_from,service_tier,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,input_audio_per_mtok,input_image_per_mtok,output_audio_per_mtok,output_image_per_mtok,web_search_per_k,request_per_k,long_context_threshold,long_input_per_mtok,long_output_per_mtok,long_cache_read_per_mtok,long_cache_write_per_mtok,long_cache_write_1h_per_mtok,batch_discount
            acme,m1,,2026-01-01,,2,10,0.2,2.5,,,1,20,,10,0.5,1000,4,15,,5,8,0.5
            acme,m1,,2026-01-01,flex,1,,,,3,,,,,,,,,,,,,
            acme,m*,,2026-01-01,,7,7,,,,,,,,,,,,,,,,
            acme,m1*,,2026-01-01,,9,9,,,,,,,,,,,,,,,,

            """)
        try directory.write("services.csv", PriceTable.serviceColumns.joined(separator: ",") + "\n")
        prices = try PriceTable(directory: directory.path)
    }

    /// input 800 = 500 text + 100 cached + 50 written + 100 written for 1 h + 20 audio + 30 image;
    /// output 300 = 250 text + 40 audio + 10 image (100 of it reasoning); 3 web searches.
    static func usage(input: Int64 = 800, tier: ServiceTier = .standard) -> LLMUsage {
        LLMUsage(
            inputTokens: input, outputTokens: 300, cachedTokens: 100, cacheWriteTokens: 50, batch: tier == .batch,
            cacheWrite1hTokens: 100, inputAudioTokens: 20, inputImageTokens: 30, outputAudioTokens: 40, outputImageTokens: 10,
            reasoningTokens: 100, webSearchRequests: 3, serviceTier: tier)
    }

    func quote(_ usage: LLMUsage, model: String = "m1") -> LLMPriceQuote {
        prices.quote(provider: "acme", model: model, usage: usage, on: day)
    }

    @Test("every token kind and its empty-price fallback, below and above the long-context threshold")
    func everyKind() {
        // 500×2 + 100×0.2 + 50×2.5 + 100×2.5 (1 h = write) + 20×2 (audio = input) + 30×1 + 250×10
        // + 40×20 + 10×10 (image = output) = 4,865 µUSD; + 3 × 10/1000 + 0.5/1000 = 0.035365 USD
        let normal = quote(Self.usage())
        #expect(normal.cost.description == "0.035365000" && !normal.estimated && !normal.longContext)
        #expect(normal.reference == "acme/m1@2026-01-01")
        // 1,200 input tokens (900 text): 900×4 + 100×0.2 (no long read price) + 50×5 + 100×8 + 20×4
        // (audio = long input) + 30×1 + 250×15 + 40×20 + 10×15 (image = long output) = 9,480 µUSD
        // + 0.03 + 0.0005 = 0.03998 USD; at exactly 1,000 the request is not long.
        let long = quote(Self.usage(input: 1_200))
        #expect(long.cost.description == "0.039980000" && long.longContext)
        #expect(!quote(Self.usage(input: 1_000)).longContext && quote(Self.usage(input: 1_001)).longContext)
    }

    @Test("a tier row replaces what it fills in and inherits the rest, its paired price for long requests too")
    func tierRow() {
        // 500×1 + 100×0.2 + 50×2.5 + 100×3 + 20×1 (audio = the tier's input) + 30×1 + 250×10 + 40×20
        // + 10×10 = 4,395 µUSD; + 0.0305 = 0.034895 USD
        let flex = quote(Self.usage(tier: .flex))
        #expect(flex.cost.description == "0.034895000" && !flex.estimated && flex.reference == "acme/m1@2026-01-01/flex")
        // long: 900×1 (the tier's input stands for long too) + 100×0.2 + 50×5 + 100×3 + 20×1 + 30×1
        // + 250×15 (the standard pair) + 40×20 + 10×15 = 6,220 µUSD; + 0.0305 = 0.03672 USD
        #expect(quote(Self.usage(input: 1_200, tier: .flex)).cost.description == "0.036720000")
    }

    @Test("batch without a tier row takes the discount; priority without one is standard prices, estimated")
    func tiersWithoutRows() {
        let batch = quote(Self.usage(tier: .batch))
        // 0.035365 × (1 - 0.5)
        #expect(batch.cost.description == "0.017682500" && !batch.estimated && batch.reference == "acme/m1@2026-01-01")
        let priority = quote(Self.usage(tier: .priority))
        #expect(priority.cost.description == "0.035365000" && priority.estimated)
    }

    @Test("an exact id beats an earlier pattern, the first matching pattern wins, ids fold case")
    func patternOrder() {
        let plain = LLMUsage(inputTokens: 1_000_000, outputTokens: 0)
        // m1: 1M tokens are above its threshold: 1M × 4 + the 0.5/1000 request fee
        #expect(quote(plain, model: "m1").cost.description == "4.000500000")
        #expect(quote(plain, model: "M1").cost.description == "4.000500000")
        // "m1-2026" matches "m*" and "m1*": the first in file order.
        #expect(quote(plain, model: "m1-2026").cost.description == "7.000000000")
        #expect(quote(plain, model: "M1-2026").reference == "acme/m*@2026-01-01")
        // No pattern: no row at all (this table has no *,* fallback).
        #expect(quote(plain, model: "x1").row == nil)
    }
}
