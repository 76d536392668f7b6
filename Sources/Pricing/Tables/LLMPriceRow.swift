/// One row of `pricing/llm.csv`: the prices of a model from a date on.
public struct LLMPriceRow: Sendable, Hashable {
    /// `anthropic`, `openai`, …, or `*` for the row that prices any provider.
    public var provider: String
    /// The model id, or `*` for a provider-wide fallback.
    public var model: String
    public var effectiveFrom: CivilDate
    public var input: Decimal6
    public var output: Decimal6
    /// Nil when no cache discount is known: cached tokens then pay the input price in force.
    public var cacheRead: Decimal6?
    /// Nil when no cache-write price is known: written tokens then pay the input price in force.
    public var cacheWrite: Decimal6?
    /// The fraction taken off a whole batch request.
    public var batchDiscount: Decimal6
    public var longContext: LongContextTier?
    public var aliases: [String]

    public init(
        provider: String, model: String, effectiveFrom: CivilDate, input: Decimal6, output: Decimal6,
        cacheRead: Decimal6? = nil, cacheWrite: Decimal6? = nil, batchDiscount: Decimal6 = .zero,
        longContext: LongContextTier? = nil, aliases: [String] = []
    ) {
        self.provider = provider
        self.model = model
        self.effectiveFrom = effectiveFrom
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.batchDiscount = batchDiscount
        self.longContext = longContext
        self.aliases = aliases
    }

    /// Names this row in the ledger and in FOCUS `SkuPriceId`s: `provider/model@effective_from`.
    public var reference: String { "\(provider)/\(model)@\(effectiveFrom)" }

    /// True for the `provider,*` and `*,*` rows, whose prices are estimates.
    public var isFallback: Bool { model == "*" }
}

/// The prices that replace the normal ones when a request's input exceeds a threshold.
public struct LongContextTier: Sendable, Hashable {
    /// The tier applies when `input_tokens` is strictly greater than this.
    public var threshold: Int64
    public var input: Decimal6?
    public var output: Decimal6?
    public var cacheRead: Decimal6?

    public init(threshold: Int64, input: Decimal6? = nil, output: Decimal6? = nil, cacheRead: Decimal6? = nil) {
        self.threshold = threshold
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
    }
}
