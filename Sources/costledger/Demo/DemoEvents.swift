import CostLedger
import Pricing

/// A deterministic month of realistic usage for the demo: four tenants on current models of the
/// price catalogue (Anthropic, OpenAI, Google), with prompt-cache reads and five-minute and
/// one-hour cache writes, reasoning tokens, web searches, batch requests, an invoice pipeline in
/// OpenAI's flex tier, priority requests, conversations, a gateway (OpenRouter) that reports its
/// own cost, external API calls that cross a free quota, one tenant far over its budget, and one
/// model that no price row knows (priced by the `*,*` fallback: estimated).
struct DemoEvents: Sequence {
    /// The 30 UTC days before `asOf`'s date, and `asOf`'s day up to `asOf`.
    let asOf: Timestamp

    func makeIterator() -> AnyIterator<UsageEvent> {
        var random = SplitMix64(seed: 2026)
        let end = asOf.millis
        let start = asOf.utcDate.startMillis - 30 * CivilDate.millisPerDay
        let idPrefix = "demo-\(asOf.utcDate)-"
        var time = start
        var count = 0
        return AnyIterator {
            // About one event every 90 seconds on average, spread unevenly.
            time += Int64(random.below(180_000)) + 1
            guard time <= end else { return nil }
            count += 1
            return Self.event(id: idPrefix + String(count), at: time, random: &random)
        }
    }

    /// The model that no row of `pricing/` prices: a provider's new preview.
    static let unknownModel = (provider: "mistral", model: "mistral-nova-preview")

    private static let tenants = ["tenant-01", "tenant-01", "tenant-01", "tenant-02", "tenant-02", "tenant-03", "tenant-04"]
    // gemini-2.5-pro is priced by the operator's `pricing/llm.csv` (which wins over the
    // catalogue); the others by the catalogue, whose rows also carry their batch, flex and
    // priority tiers.
    private static let models: [(provider: String, model: String)] = [
        ("anthropic", "claude-sonnet-4-5-20250929"), ("anthropic", "claude-sonnet-4-5-20250929"), ("anthropic", "claude-haiku-4-5-20251001"),
        ("openai", "gpt-5"), ("openai", "gpt-5-mini"), ("google", "gemini-2.5-flash"), ("google", "gemini-2.5-pro"),
    ]
    /// The models whose price rows price web searches (the operator's gemini-2.5-pro row does not).
    private static let searching: Set = ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "gpt-5", "gpt-5-mini", "gemini-2.5-flash"]
    private static let operations = [
        ("ai-agent-core", "conversation"), ("ai-agent-core", "classification"), ("ai-agent-core", "extraction"),
        ("negotiation", "offer_drafting"), ("einvoice", "extraction"),
    ]
    private static let services = [
        ("hunter", "email_finder"), ("hunter", "email_verify"), ("termene", "company_info"), ("resend", "email_batch"),
        ("whatsapp", "message_session"), ("google_maps", "geocode"),
    ]

    private static func event(id: String, at millis: Int64, random: inout SplitMix64) -> UsageEvent {
        let tenant = tenants[random.below(tenants.count)]
        let timestamp = Timestamp(millis: millis)
        if random.below(100) < 15 {
            let (service, operation) = services[random.below(services.count)]
            let call = APICall(
                service: service, units: service == "resend" ? Int64(random.below(50) + 1) : 1,
                status: random.below(100) < 4 ? .error : .success, requestKey: "company-\(random.below(300))")
            return UsageEvent(id: id, timestamp: timestamp, tenantID: tenant, worker: "enrichment", operation: operation, usage: .api(call))
        }
        var (provider, model) = models[random.below(models.count)]
        let (worker, operation) = operations[random.below(operations.count)]
        let route = random.below(200)
        // tenant-03 runs a long-context agent on the expensive model: it goes over its budget.
        let heavy = tenant == "tenant-03" && (operation == "conversation" || operation == "classification")
        if heavy {
            (provider, model) = ("anthropic", "claude-sonnet-4-5-20250929")
        } else if worker == "einvoice" {
            // The invoice pipeline can wait: gpt-5-mini in the flex tier, at half the price.
            (provider, model) = ("openai", "gpt-5-mini")
        } else if route == 0 {
            (provider, model) = unknownModel
        } else if route <= 2 {
            // Through a gateway that reports what it charged: a model the catalogue prices, and
            // its router, which no row prices (so the reported cost is the cost).
            (provider, model) = ("openrouter", route == 1 ? "anthropic/claude-sonnet-4.5" : "openrouter/auto")
        }
        let input = Int64(heavy ? 60_000 + random.below(100_000) : 300 + random.below(3_000))
        let reasons = provider == "openai" || provider == "google" || operation == "offer_drafting"
        let output = Int64(reasons ? 300 + random.below(2_000) : 100 + random.below(900))
        var tokens = LLMUsage(inputTokens: input, outputTokens: output)
        switch (provider, random.below(10)) {
        case ("anthropic", 0..<4): tokens.cachedTokens = input * 7 / 10
        case ("anthropic", 4): tokens.cacheWriteTokens = input / 2
        case ("anthropic", 5): tokens.cacheWrite1hTokens = input / 2  // a long-lived system prompt
        case ("openai", 0..<3), ("google", 0..<3), ("openrouter", 0..<3): tokens.cachedTokens = input / 2
        default: break
        }
        if reasons { tokens.reasoningTokens = output * Int64(20 + random.below(60)) / 100 }
        if operation == "conversation" && searching.contains(model) && random.below(8) == 0 {
            tokens.webSearchRequests = Int64(1 + random.below(3))
        }
        if worker == "einvoice" {
            tokens.serviceTier = .flex
        } else if operation == "extraction" && random.below(10) == 0 {
            tokens.batch = true
            tokens.serviceTier = .batch
        } else if model == "gpt-5" && operation == "conversation" && random.below(4) == 0 {
            tokens.serviceTier = .priority
        }
        let call = LLMCall(
            provider: provider, model: model, tokens: tokens, promptFingerprint: "fp-\(operation)-\(random.below(4))",
            providerCost: provider == "openrouter" ? gatewayCost(tokens, routed: model == "openrouter/auto") : nil)
        return UsageEvent(
            id: id, timestamp: timestamp, tenantID: tenant, worker: worker, operation: operation,
            conversationID: operation == "conversation" ? "conv-\(tenant)-\(random.below(400))" : nil, usage: .llm(call))
    }

    /// What OpenRouter reports (`usage.cost`): Claude Sonnet 4.5's prices (3, 15 and 0.3 USD per
    /// million input, output and cached tokens) for the model, and those of the model it routed
    /// to (1.25, 10, 0.125) for `openrouter/auto`.
    private static func gatewayCost(_ tokens: LLMUsage, routed: Bool) -> Money {
        let (input, output, cached): (Int64, Int64, Int64) = routed ? (1_250, 10_000, 125) : (3_000, 15_000, 300)  // nano-USD a token
        return Money(
            nanos: (tokens.inputTokens - tokens.cachedTokens) * input + tokens.cachedTokens * cached + tokens.outputTokens * output)
    }
}

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0 ..< bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
