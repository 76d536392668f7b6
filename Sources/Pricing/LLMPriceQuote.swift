/// The price of one LLM request under one price row, component by component.
public struct LLMPriceQuote: Sendable, Hashable {
    /// One component's tokens, its price per 1M tokens, and their exact product.
    public struct Charge: Sendable, Hashable {
        public var component: LLMComponent
        public var tokens: Int64
        public var pricePerMillion: Decimal6
        /// `tokens × pricePerMillion / 1e6` USD, exactly, in pico-USD (1e-12 USD).
        public var listPicos: Int128 { Int128(tokens) * Int128(pricePerMillion.millionths) }
    }

    /// The row used; nil when the table has no row at all for the request (then the cost is 0).
    public var row: LLMPriceRow?
    /// Priced by a `provider,*` or `*,*` row, or by none.
    public var estimated: Bool
    /// Whether the long-context tier applied.
    public var longContext: Bool
    /// The discount applied to the whole request (zero unless it was a batch request).
    public var discount: Decimal6
    public var charges: [Charge]

    /// The cost before the batch discount, exact, in pico-USD.
    public var listPicos: Int128 { charges.reduce(0) { $0 + $1.listPicos } }

    /// The cost after the discount, exact, in atto-USD (1e-18 USD).
    public var billedAttos: Int128 { listPicos * Int128(Decimal6.one.millionths - discount.millionths) }

    /// The cost of the request rounded half to even to the nano-USD, as the ledger stores it.
    public var cost: Money { Money.roundedHalfToEven(billedAttos, divisor: 1_000_000_000) }
}

extension PriceTable {
    /// Prices one LLM request made on `date`.
    public func quote(provider: String, model: String, usage: LLMUsage, on date: CivilDate) -> LLMPriceQuote {
        guard let (row, estimated) = llmRow(provider: provider, model: model, on: date) else {
            return LLMPriceQuote(row: nil, estimated: true, longContext: false, discount: .zero, charges: [])
        }
        return row.quote(usage, estimated: estimated)
    }
}

extension LLMPriceRow {
    /// Prices `usage` with this row: the long-context tier, the cache fallbacks and the batch discount.
    public func quote(_ usage: LLMUsage, estimated: Bool) -> LLMPriceQuote {
        var inputPrice = input
        var outputPrice = output
        var cacheReadPrice = cacheRead
        var isLong = false
        if let tier = longContext, usage.inputTokens > tier.threshold {
            isLong = true
            inputPrice = tier.input ?? input
            outputPrice = tier.output ?? output
            cacheReadPrice = tier.cacheRead ?? cacheRead
        }
        let charges = [
            LLMPriceQuote.Charge(component: .input, tokens: usage.uncachedInputTokens, pricePerMillion: inputPrice),
            .init(component: .cachedInput, tokens: usage.cachedTokens, pricePerMillion: cacheReadPrice ?? inputPrice),
            .init(component: .cacheWrite, tokens: usage.cacheWriteTokens, pricePerMillion: cacheWrite ?? inputPrice),
            .init(component: .output, tokens: usage.outputTokens, pricePerMillion: outputPrice),
        ]
        return LLMPriceQuote(
            row: self, estimated: estimated, longContext: isLong, discount: usage.batch ? batchDiscount : .zero,
            charges: charges)
    }
}
