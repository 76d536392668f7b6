/// One price a request pays under a standard row and a tier row, and where it comes from: what
/// `costledger prices` shows so that an empty column is never a mystery.
public struct EffectivePrice: Sendable, Hashable {
    /// Where a price comes from.
    public enum Origin: Sendable, Hashable {
        /// Written in the row (the tier row's own, for a tier).
        case row
        /// A tier row left it empty: the standard row's.
        case standard
        /// Above the long-context threshold with no long price: the normal price.
        case normal
        /// Empty: the price in force of another component (cache reads pay the input price, …).
        case fallback(LLMComponent)
        /// Empty, and empty means 0 (web searches, the request fee).
        case empty
    }

    public var component: LLMComponent
    /// USD per 1M tokens, or per 1,000 searches or requests.
    public var price: Decimal6
    public var origin: Origin

    /// Every component's price, taken from ``LLMPriceQuote/pricing(_:standard:tier:estimated:allowLongContext:)``
    /// itself (so the two cannot disagree), at the normal prices or, with `long`, above the threshold.
    public static func all(standard: LLMPriceRow, tier: LLMPriceRow?, long: Bool) -> [EffectivePrice] {
        let threshold = tier?.longContextThreshold ?? standard.longContextThreshold ?? 0
        // One of each part, and enough input to pass the threshold when `long` asks for it.
        let probe = LLMUsage(
            inputTokens: (long ? threshold : 0) + 6, outputTokens: 3, cachedTokens: 1, cacheWriteTokens: 1, cacheWrite1hTokens: 1,
            inputAudioTokens: 1, inputImageTokens: 1, outputAudioTokens: 1, outputImageTokens: 1, webSearchRequests: 1,
            serviceTier: tier?.serviceTier ?? .standard)
        let quote = LLMPriceQuote.pricing(probe, standard: standard, tier: tier, estimated: false, allowLongContext: long)
        return LLMComponent.allCases.map { component in
            EffectivePrice(
                component: component, price: quote.charges.first { $0.component == component }?.unitPrice ?? .zero,
                origin: origin(of: component, standard: standard, tier: tier, long: long))
        }
    }

    /// The rule of contract 11.3 that gave `component` its price.
    private static func origin(of component: LLMComponent, standard: LLMPriceRow, tier: LLMPriceRow?, long: Bool) -> Origin {
        let rate = component.rate
        if component.hasLongPrice {
            // A tier row's price replaces the standard pair; its long price only goes with it.
            if let tier, tier.rates[keyPath: rate] != nil {
                return long && tier.longRates[keyPath: rate] == nil ? .normal : .row
            }
            let longPrice = long ? standard.longRates[keyPath: rate] : nil
            if standard.rates[keyPath: rate] != nil || longPrice != nil {
                return tier != nil ? .standard : long && longPrice == nil ? .normal : .row
            }
        } else if tier?.rates[keyPath: rate] != nil {
            return .row
        } else if standard.rates[keyPath: rate] != nil {
            return tier == nil ? .row : .standard
        }
        return component.fallback.map(Origin.fallback) ?? .empty
    }
}

extension LLMComponent {
    /// The stem of this component's columns in `llm.csv` (`cache_read` for `cache_read_per_mtok`
    /// and `long_cache_read_per_mtok`); the two per-1,000 prices keep their suffix.
    public var column: String {
        switch self {
        case .cachedInput: return "cache_read"
        case .webSearch: return "web_search_per_k"
        case .request: return "request_per_k"
        default: return rawValue
        }
    }

    /// Whether a `long_*` column prices this component above the threshold.
    public var hasLongPrice: Bool { [.input, .output, .cachedInput, .cacheWrite, .cacheWrite1h].contains(self) }

    /// The component whose price in force an empty price of this one takes; nil: empty is 0.
    public var fallback: LLMComponent? {
        switch self {
        case .cachedInput, .cacheWrite, .inputAudio, .inputImage: return .input
        case .cacheWrite1h: return .cacheWrite
        case .outputAudio, .outputImage: return .output
        case .input, .output, .webSearch, .request: return nil
        }
    }

    var rate: KeyPath<LLMRates, Decimal6?> {
        switch self {
        case .input: return \.input
        case .cachedInput: return \.cacheRead
        case .cacheWrite: return \.cacheWrite
        case .cacheWrite1h: return \.cacheWrite1h
        case .inputAudio: return \.inputAudio
        case .inputImage: return \.inputImage
        case .output: return \.output
        case .outputAudio: return \.outputAudio
        case .outputImage: return \.outputImage
        case .webSearch: return \.webSearchPerK
        case .request: return \.requestPerK
        }
    }
}
