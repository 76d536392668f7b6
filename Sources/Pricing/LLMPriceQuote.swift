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
    public var charges: [Charge]

    /// `provider/model@effective_from`, with `/tier` when a tier row priced the request.
    public var reference: String? {
        guard let row else { return nil }
        guard let tier = tierRow?.serviceTier else { return row.reference }
        return "\(row.reference)/\(tier.rawValue)"
    }

    /// The cost before the batch discount, exact, in pico-USD.
    public var listPicos: Int128 { charges.reduce(0) { $0 + $1.listPicos } }

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
        let input = paired(tierRates?.input, tierLong?.input, rates.input, longRates.input) ?? .zero
        let output = paired(tierRates?.output, tierLong?.output, rates.output, longRates.output) ?? .zero
        let cacheRead = paired(tierRates?.cacheRead, tierLong?.cacheRead, rates.cacheRead, longRates.cacheRead) ?? input
        let cacheWrite = paired(tierRates?.cacheWrite, tierLong?.cacheWrite, rates.cacheWrite, longRates.cacheWrite) ?? input
        var charges = [
            Charge(component: .input, quantity: usage.uncachedInputTokens, unitPrice: input, perUnits: 1_000_000),
            Charge(component: .cachedInput, quantity: usage.cachedTokens, unitPrice: cacheRead, perUnits: 1_000_000),
            Charge(component: .cacheWrite, quantity: usage.cacheWriteTokens, unitPrice: cacheWrite, perUnits: 1_000_000),
            Charge(component: .output, quantity: usage.textOutputTokens, unitPrice: output, perUnits: 1_000_000),
        ]
        // Section 11's components only where used, so a section-2 quote lists what it always did.
        func add(_ component: LLMComponent, _ quantity: Int64, _ price: @autoclosure () -> Decimal6, per units: Int64 = 1_000_000) {
            if quantity > 0 { charges.append(Charge(component: component, quantity: quantity, unitPrice: price(), perUnits: units)) }
        }
        add(
            .cacheWrite1h, usage.cacheWrite1hTokens,
            paired(tierRates?.cacheWrite1h, tierLong?.cacheWrite1h, rates.cacheWrite1h, longRates.cacheWrite1h) ?? cacheWrite)
        add(.inputAudio, usage.inputAudioTokens, tierRates?.inputAudio ?? rates.inputAudio ?? input)
        add(.inputImage, usage.inputImageTokens, tierRates?.inputImage ?? rates.inputImage ?? input)
        add(.outputAudio, usage.outputAudioTokens, tierRates?.outputAudio ?? rates.outputAudio ?? output)
        add(.outputImage, usage.outputImageTokens, tierRates?.outputImage ?? rates.outputImage ?? output)
        add(.webSearch, usage.webSearchRequests, tierRates?.webSearchPerK ?? rates.webSearchPerK ?? .zero, per: 1_000)
        if let fee = tierRates?.requestPerK ?? rates.requestPerK, fee > .zero {
            charges.append(Charge(component: .request, quantity: 1, unitPrice: fee, perUnits: 1_000))
        }
        let discount = tier == nil && usage.serviceTier == .batch ? standard.batchDiscount : .zero
        return LLMPriceQuote(
            row: standard, tierRow: tier, estimated: estimated, longContext: long, discount: discount, charges: charges)
    }
}

extension LLMPriceRow {
    /// Prices `usage` with this standard row alone (no tier row).
    public func quote(_ usage: LLMUsage, estimated: Bool) -> LLMPriceQuote {
        .pricing(usage, standard: self, tier: nil, estimated: estimated)
    }
}
