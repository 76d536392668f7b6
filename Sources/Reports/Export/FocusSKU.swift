import CostLedger
import Pricing

/// One priced component of a model or a service, at one price: what a FOCUS `SkuPriceId` names.
///
/// Only identity is stored here; the strings of the row (`SkuId`, descriptions) are made once per
/// row when an hour is written, not once per event.
struct FocusSKU: Hashable, Sendable {
    /// LLM tokens or an external API's calls and units.
    var kind: EventKind
    /// The event's `provider` (LLM) or `service` (API).
    var publisher: String
    /// The event's `model` as sent (LLM) or its `operation` (API).
    var product: String
    /// An LLM component (`input`, `cached_input`, `cache_write`, `cache_write_1h`, `input_audio`,
    /// `input_image`, `output`, `output_audio`, `output_image`, `web_search`, `request`), or an
    /// API's `call` or `unit`.
    var component: String
    /// The service tier of an LLM request other than standard (`batch`, `flex`, …): a SKU of its
    /// own; a batch request of a model without a batch tier row is billed at `1 - discount` of
    /// its list price.
    var tier: ServiceTier
    /// A request priced at the long-context tier: a SKU of its own.
    var longContext: Bool
    /// The price row's `effective_from`.
    var effectiveFrom: CivilDate
    /// USD per 1M tokens, per call or per unit.
    var listUnitPrice: Decimal6
    /// The fraction taken off the list price (the row's batch discount on a batch request, else 0).
    var discount: Decimal6

    /// The component of an LLM request billed what its provider reported: its quantity is nano-USD.
    static let reportedComponent = "provider_reported"

    /// `provider/model/component[/tier][/long]` or `service/operation/component`.
    var skuID: String {
        var id = "\(publisher)/\(product)/\(component)"
        if tier != .standard { id += "/\(tier.rawValue)" }
        if longContext { id += "/long" }
        return id
    }

    /// The ``skuID`` plus `@` and the price row's `effective_from`.
    var skuPriceID: String { "\(skuID)@\(effectiveFrom)" }

    var unit: FocusUnit {
        switch component {
        case "call": .requests
        case "unit": .units
        case LLMComponent.webSearch.rawValue, LLMComponent.request.rawValue: .thousandRequests
        case Self.reportedComponent: .reportedNanos
        default: .tokens
        }
    }

    /// "gpt-4o output tokens (batch)", "hunter email_finder calls".
    var chargeDescription: String {
        var text: String
        switch unit {
        case .tokens: text = "\(product) \(component.replacingUnderscores()) tokens"
        case .thousandRequests: text = component == LLMComponent.webSearch.rawValue ? "\(product) web searches" : "\(product) requests"
        case .reportedNanos: text = "\(product) at the cost its provider reported (units of 1 nano-USD)"
        case .requests: text = "\(publisher) \(product) calls"
        case .units: text = "\(publisher) \(product) units"
        }
        let notes = (tier == .standard ? [] : [tier.rawValue]) + (longContext ? ["long context"] : [])
        if !notes.isEmpty { text += " (\(notes.joined(separator: ", ")))" }
        return text
    }
}

/// What a FOCUS row's quantities count.
enum FocusUnit: Sendable {
    case tokens
    /// LLM web searches and request fees, priced per 1,000.
    case thousandRequests
    /// A provider-reported cost, counted in units of one nano-USD, priced 1 USD per 1,000,000,000.
    case reportedNanos
    case requests
    case units

    /// `ConsumedUnit`.
    var consumedUnit: String {
        switch self {
        case .tokens: "Tokens"
        case .thousandRequests, .requests: "Requests"
        case .reportedNanos: "Units"
        case .units: "Units"
        }
    }

    /// `PricingUnit`: prices are per 1M tokens, per 1,000 searches or requests, per call and per unit.
    var pricingUnit: String {
        switch self {
        case .tokens: "1000000 Tokens"
        case .thousandRequests: "1000 Requests"
        case .reportedNanos: "1000000000 Units"
        case .requests: "Requests"
        case .units: "Units"
        }
    }

    /// `PricingQuantity` is the consumed quantity divided by `10^pricingScale`.
    var pricingScale: Int {
        switch self {
        case .tokens: 6
        case .thousandRequests: 3
        case .reportedNanos: 9
        case .requests, .units: 0
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}

extension FocusSKU {
    /// The SKU of a price correction of `event` (section 14.3): its provider and model (or service
    /// and operation) with the component `correction`, no list price.
    static func correction(of event: UsageEvent) -> FocusSKU {
        switch event.usage {
        case .llm(let call):
            FocusSKU(
                kind: .llm, publisher: call.provider, product: call.model, component: "correction", tier: call.tokens.serviceTier,
                longContext: false, effectiveFrom: event.timestamp.utcDate, listUnitPrice: .zero, discount: .zero)
        case .api(let call):
            FocusSKU(
                kind: .api, publisher: call.service, product: event.operation, component: "correction", tier: .standard,
                longContext: false, effectiveFrom: event.timestamp.utcDate, listUnitPrice: .zero, discount: .zero)
        }
    }
}
