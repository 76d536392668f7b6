/// What one row of `llm.csv` fills in of a model's prices (USD per 1M tokens, except the two
/// `perK` ones: USD per 1,000); nil where the column is empty or absent.
public struct LLMRates: Sendable, Hashable {
    public var input: Decimal6?
    public var output: Decimal6?
    public var cacheRead: Decimal6?
    public var cacheWrite: Decimal6?
    public var cacheWrite1h: Decimal6?
    public var inputAudio: Decimal6?
    public var inputImage: Decimal6?
    public var outputAudio: Decimal6?
    public var outputImage: Decimal6?
    public var webSearchPerK: Decimal6?
    public var requestPerK: Decimal6?

    public init(
        input: Decimal6? = nil, output: Decimal6? = nil, cacheRead: Decimal6? = nil, cacheWrite: Decimal6? = nil,
        cacheWrite1h: Decimal6? = nil, inputAudio: Decimal6? = nil, inputImage: Decimal6? = nil, outputAudio: Decimal6? = nil,
        outputImage: Decimal6? = nil, webSearchPerK: Decimal6? = nil, requestPerK: Decimal6? = nil
    ) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h
        self.inputAudio = inputAudio
        self.inputImage = inputImage
        self.outputAudio = outputAudio
        self.outputImage = outputImage
        self.webSearchPerK = webSearchPerK
        self.requestPerK = requestPerK
    }
}

/// One row of `pricing/llm.csv` or of the catalogue: the prices of a model from a date on, for
/// the standard tier or, as a **tier row**, for one other tier (section 11.3).
///
/// Immutable and shared: every quote of an event refers to its rows, so a class keeps that to a
/// reference count instead of copying some 400 bytes of prices per event.
public final class LLMPriceRow: Sendable, Hashable {
    /// `anthropic`, `openai`, …, or `*` for the row that prices any provider.
    public let provider: String
    /// The model id, a pattern (`claude-sonnet-4-5*`, `re:…`), or `*` for a provider-wide fallback.
    public let model: String
    public let effectiveFrom: CivilDate
    /// Nil for a standard row; the tier a tier row prices.
    public let serviceTier: ServiceTier?
    /// A standard row always has `input` and `output` (the loader requires them).
    public let rates: LLMRates
    /// Requests whose `input_tokens` exceed this get the long-context prices; a tier row without
    /// one uses its standard row's.
    public let longContextThreshold: Int64?
    /// The long-context input, output, cache-read and cache-write prices; nil ones keep the normal price.
    public let longRates: LLMRates
    /// The fraction taken off a whole batch request of a model with no batch tier row.
    public let batchDiscount: Decimal6
    /// The provider has deprecated the model (read by the optimiser only).
    public let deprecated: Bool
    public let aliases: [String]

    public init(
        provider: String, model: String, effectiveFrom: CivilDate, serviceTier: ServiceTier? = nil, rates: LLMRates,
        longContextThreshold: Int64? = nil, longRates: LLMRates = LLMRates(), batchDiscount: Decimal6 = .zero,
        deprecated: Bool = false, aliases: [String] = []
    ) {
        self.provider = provider
        self.model = model
        self.effectiveFrom = effectiveFrom
        self.serviceTier = serviceTier
        self.rates = rates
        self.longContextThreshold = longContextThreshold
        self.longRates = longRates
        self.batchDiscount = batchDiscount
        self.deprecated = deprecated
        self.aliases = aliases
        reference = "\(provider)/\(model)@\(effectiveFrom)"
    }

    /// A standard row of section 3's columns.
    public convenience init(
        provider: String, model: String, effectiveFrom: CivilDate, input: Decimal6, output: Decimal6,
        cacheRead: Decimal6? = nil, cacheWrite: Decimal6? = nil, batchDiscount: Decimal6 = .zero,
        longContext: LongContextTier? = nil, aliases: [String] = []
    ) {
        self.init(
            provider: provider, model: model, effectiveFrom: effectiveFrom,
            rates: LLMRates(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite),
            longContextThreshold: longContext?.threshold,
            longRates: LLMRates(input: longContext?.input, output: longContext?.output, cacheRead: longContext?.cacheRead),
            batchDiscount: batchDiscount, aliases: aliases)
    }

    /// The standard input price (zero for a tier row that leaves it to its standard row).
    public var input: Decimal6 { rates.input ?? .zero }
    /// The standard output price (zero for a tier row that leaves it to its standard row).
    public var output: Decimal6 { rates.output ?? .zero }
    /// Nil when no cache discount is known: cached tokens then pay the input price in force.
    public var cacheRead: Decimal6? { rates.cacheRead }
    /// Nil when no cache-write price is known: written tokens then pay the input price in force.
    public var cacheWrite: Decimal6? { rates.cacheWrite }

    /// Names this row in the ledger and in FOCUS `SkuPriceId`s: `provider/model@effective_from`.
    public let reference: String

    public static func == (lhs: LLMPriceRow, rhs: LLMPriceRow) -> Bool {
        lhs === rhs
            || (lhs.reference == rhs.reference && lhs.serviceTier == rhs.serviceTier && lhs.rates == rhs.rates
                && lhs.longContextThreshold == rhs.longContextThreshold && lhs.longRates == rhs.longRates
                && lhs.batchDiscount == rhs.batchDiscount && lhs.deprecated == rhs.deprecated && lhs.aliases == rhs.aliases)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reference)
        hasher.combine(serviceTier)
    }

    /// True for the `provider,*` and `*,*` rows, whose prices are estimates.
    public var isFallback: Bool { model == "*" }
}

/// The prices of section 3 that replace the normal ones when a request's input exceeds a threshold.
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
