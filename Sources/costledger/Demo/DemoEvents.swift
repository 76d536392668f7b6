import CostLedger
import Pricing

/// A deterministic month of realistic usage for the demo: four tenants, several models with
/// prompt-cache hits, conversations, batch requests, external API calls that cross a free quota,
/// one tenant far over its daily budget, and one model missing from the price table.
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

    private static let tenants = ["tenant-01", "tenant-01", "tenant-01", "tenant-02", "tenant-02", "tenant-03", "tenant-04"]
    private static let models: [(provider: String, model: String)] = [
        ("anthropic", "claude-sonnet-4-20250514"), ("anthropic", "claude-sonnet-4-20250514"), ("anthropic", "claude-haiku-4-20250514"),
        ("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("google", "gemini-2.0-flash"), ("google", "gemini-2.5-pro"),
    ]
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
        if random.below(200) == 0 { (provider, model) = ("mistral", "mistral-large-latest") }  // not in the price table
        let (worker, operation) = operations[random.below(operations.count)]
        // tenant-03 runs a long-context agent on the expensive model: it goes over its daily budget.
        let heavy = tenant == "tenant-03" && (operation == "conversation" || operation == "classification")
        let input = Int64(heavy ? 60_000 + random.below(100_000) : 300 + random.below(3_000))
        let cached = provider == "anthropic" && random.below(100) < 40 ? input * 7 / 10 : 0
        let tokens = LLMUsage(
            inputTokens: input, outputTokens: Int64(100 + random.below(900)), cachedTokens: cached,
            cacheWriteTokens: cached == 0 && provider == "anthropic" && random.below(10) == 0 ? input / 2 : 0,
            batch: operation == "extraction" && random.below(10) == 0)
        let call = LLMCall(
            provider: heavy ? "anthropic" : provider, model: heavy ? "claude-sonnet-4-20250514" : model, tokens: tokens,
            promptFingerprint: "fp-\(operation)-\(random.below(4))")
        return UsageEvent(
            id: id, timestamp: timestamp, tenantID: tenant, worker: worker, operation: operation,
            conversationID: operation == "conversation" ? "conv-\(tenant)-\(random.below(400))" : nil, usage: .llm(call))
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
