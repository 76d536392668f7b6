/// The price of one LLM request under its price rows, component by component (contract 11.3).
public struct LLMPriceQuote: Sendable, Hashable {
    /// One component's quantity, its price, and their exact product.
    public struct Charge: Sendable, Hashable {
        public var component: LLMComponent
        /// Tokens, web searches or requests.
        public var quantity: Int64
        /// USD per 1M tokens, or per 1,000 searches or requests.
        public var unitPrice: Decimal6
        /// How many of ``quantity`` ``unitPrice`` is for: 1,000,000 tokens or 1,000.
        public var perUnits: Int64

        /// `quantity × unitPrice / perUnits` USD, exactly, in pico-USD (1e-12 USD).
        public var listPicos: Int128 { Int128(quantity) * Int128(unitPrice.millionths) * Int128(1_000_000 / perUnits) }
    }

    /// The standard row used; nil when the table has no row at all for the request (then the cost is 0).
    public var row: LLMPriceRow?
    /// The tier row that replaced some of ``row``'s prices, if any.
    public var tierRow: LLMPriceRow?
    /// Priced by a `provider,*` or `*,*` row, by none, or at standard prices for a tier the
    /// tables do not know.
    public var estimated: Bool
    /// Whether the long-context tier applied.
    public var longContext: Bool
    /// The discount applied to the whole request (a batch request of a model without a batch tier row).
    public var discount: Decimal6
    /// The counts priced.
    public var usage: LLMUsage
    /// Every component's unit price after the tier row's replacements and the fallbacks.
    public var prices: LLMComponentPrices

    /// The quote of a request no row prices: nothing, estimated.
    static func unpriced(_ usage: LLMUsage) -> LLMPriceQuote {
        LLMPriceQuote(
            row: nil, tierRow: nil, estimated: true, longContext: false, discount: .zero, usage: usage, prices: LLMComponentPrices())
    }

    /// The components charged, each with its quantity and price: input, cached input, cache write
    /// and output always (so a section-2 quote lists what it always did), the others of section
    /// 11 where used, the request fee where the row has one. Empty for an unpriced request.
    public var charges: [Charge] {
        guard row != nil else { return [] }
        let perToken: [(LLMComponent, Int64, Decimal6)] = [
            (.input, usage.uncachedInputTokens, prices.input), (.cachedInput, usage.cachedTokens, prices.cachedInput),
            (.cacheWrite, usage.cacheWriteTokens, prices.cacheWrite), (.output, usage.textOutputTokens, prices.output),
            (.cacheWrite1h, usage.cacheWrite1hTokens, prices.cacheWrite1h), (.inputAudio, usage.inputAudioTokens, prices.inputAudio),
            (.inputImage, usage.inputImageTokens, prices.inputImage), (.outputAudio, usage.outputAudioTokens, prices.outputAudio),
            (.outputImage, usage.outputImageTokens, prices.outputImage),
        ]
        var charges = perToken.enumerated().compactMap { position, item in
            position < 4 || item.1 > 0 ? Charge(component: item.0, quantity: item.1, unitPrice: item.2, perUnits: 1_000_000) : nil
        }
        if usage.webSearchRequests > 0 {
            charges.append(Charge(component: .webSearch, quantity: usage.webSearchRequests, unitPrice: prices.webSearch, perUnits: 1_000))
        }
        if prices.request > .zero { charges.append(Charge(component: .request, quantity: 1, unitPrice: prices.request, perUnits: 1_000)) }
        return charges
    }

    /// `provider/model@effective_from`, with `/tier` when a tier row priced the request.
    public var reference: String? { row.map { Self.reference(row: $0, tier: tierRow?.serviceTier) } }

    /// `provider/model@effective_from` of a standard row, with `/tier` when a tier row priced with it.
    public static func reference(row: LLMPriceRow, tier: ServiceTier?) -> String {
        tier.map { "\(row.reference)/\($0.rawValue)" } ?? row.reference
    }

    /// The cost before the batch discount, exact, in pico-USD.
    public var listPicos: Int128 {
        guard row != nil else { return 0 }
        @inline(__always) func times(_ quantity: Int64, _ price: Decimal6) -> Int128 { Int128(quantity) * Int128(price.millionths) }
        let tokens =
            times(usage.uncachedInputTokens, prices.input) + times(usage.cachedTokens, prices.cachedInput)
            + times(usage.cacheWriteTokens, prices.cacheWrite) + times(usage.cacheWrite1hTokens, prices.cacheWrite1h)
            + times(usage.inputAudioTokens, prices.inputAudio) + times(usage.inputImageTokens, prices.inputImage)
            + times(usage.textOutputTokens, prices.output) + times(usage.outputAudioTokens, prices.outputAudio)
            + times(usage.outputImageTokens, prices.outputImage)
        // Per-1,000 prices: a thousand times the pico-USD of a per-1M price.
        return tokens + 1_000 * (times(usage.webSearchRequests, prices.webSearch) + times(1, prices.request))
    }

    /// The cost after the discount, exact, in atto-USD (1e-18 USD).
    public var billedAttos: Int128 { listPicos * Int128(Decimal6.one.millionths - discount.millionths) }

    /// The cost of the request rounded half to even to the nano-USD, as the ledger stores it.
    public var cost: Money { Money.roundedHalfToEven(billedAttos, divisor: 1_000_000_000) }

    /// Prices `usage` with a standard row and the tier row in force for its tier, if any.
    ///
    /// A tier row replaces what it fills in: an input, output, cache-read, cache-write or
    /// one-hour cache-write price replaces the standard one *and* its long-context price (the tier
    /// row's own long price, else the same price); other prices replace the standard ones. Then
    /// empty prices fall back: cache read and write to the input price in force, the one-hour
    /// write to the write price, audio and image to input or output, searches and request fees to 0.
    /// - Parameter allowLongContext: false prices a request at the normal tier whatever its size.
    public static func pricing(
        _ usage: LLMUsage, standard: LLMPriceRow, tier: LLMPriceRow?, estimated: Bool, allowLongContext: Bool = true
    ) -> LLMPriceQuote {
        let threshold = tier?.longContextThreshold ?? standard.longContextThreshold
        let long = allowLongContext && threshold.map { usage.inputTokens > $0 } ?? false
        let (rates, longRates) = (standard.rates, standard.longRates)
        let (tierRates, tierLong) = (tier?.rates, tier?.longRates)
        /// A paired price: the tier row's (with its long price, else the same price for long
        /// requests) when it has one, else the standard row's pair.
        @inline(__always) func paired(_ tierBase: Decimal6?, _ tierAbove: Decimal6?, _ base: Decimal6?, _ above: Decimal6?) -> Decimal6? {
            if let tierBase { return long ? tierAbove ?? tierBase : tierBase }
            return long ? above ?? base : base
        }
        var prices = LLMComponentPrices()
        prices.input = paired(tierRates?.input, tierLong?.input, rates.input, longRates.input) ?? .zero
        prices.output = paired(tierRates?.output, tierLong?.output, rates.output, longRates.output) ?? .zero
        prices.cachedInput = paired(tierRates?.cacheRead, tierLong?.cacheRead, rates.cacheRead, longRates.cacheRead) ?? prices.input
        prices.cacheWrite = paired(tierRates?.cacheWrite, tierLong?.cacheWrite, rates.cacheWrite, longRates.cacheWrite) ?? prices.input
        prices.cacheWrite1h =
            paired(tierRates?.cacheWrite1h, tierLong?.cacheWrite1h, rates.cacheWrite1h, longRates.cacheWrite1h) ?? prices.cacheWrite
        prices.inputAudio = tierRates?.inputAudio ?? rates.inputAudio ?? prices.input
        prices.inputImage = tierRates?.inputImage ?? rates.inputImage ?? prices.input
        prices.outputAudio = tierRates?.outputAudio ?? rates.outputAudio ?? prices.output
        prices.outputImage = tierRates?.outputImage ?? rates.outputImage ?? prices.output
        prices.webSearch = tierRates?.webSearchPerK ?? rates.webSearchPerK ?? .zero
        prices.request = max(tierRates?.requestPerK ?? rates.requestPerK ?? .zero, .zero)
        let discount = tier == nil && usage.serviceTier == .batch ? standard.batchDiscount : .zero
        return LLMPriceQuote(
            row: standard, tierRow: tier, estimated: estimated, longContext: long, discount: discount, usage: usage, prices: prices)
    }
}

/// The unit price of every component of an LLM request: USD per 1M tokens, web searches and the
/// request fee per 1,000.
public struct LLMComponentPrices: Sendable, Hashable {
    public var input = Decimal6.zero
    public var cachedInput = Decimal6.zero
    public var cacheWrite = Decimal6.zero
    public var cacheWrite1h = Decimal6.zero
    public var inputAudio = Decimal6.zero
    public var inputImage = Decimal6.zero
    public var output = Decimal6.zero
    public var outputAudio = Decimal6.zero
    public var outputImage = Decimal6.zero
    public var webSearch = Decimal6.zero
    public var request = Decimal6.zero
}

extension LLMPriceRow {
    /// Prices `usage` with this standard row alone (no tier row).
    public func quote(_ usage: LLMUsage, estimated: Bool) -> LLMPriceQuote {
        .pricing(usage, standard: self, tier: nil, estimated: estimated)
    }
}
