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
    /// `input`, `cached_input`, `cache_write`, `output`, `call` or `unit`.
    var component: String
    /// A batch request: a SKU of its own, billed at `1 - discount` of its list price.
    var batch: Bool
    /// A request priced at the long-context tier: a SKU of its own.
    var longContext: Bool
    /// The price row's `effective_from`.
    var effectiveFrom: CivilDate
    /// USD per 1M tokens, per call or per unit.
    var listUnitPrice: Decimal6
    /// The fraction taken off the list price (the row's batch discount on a batch request, else 0).
    var discount: Decimal6

    /// `provider/model/component[/batch][/long]` or `service/operation/component`.
    var skuID: String {
        var id = "\(publisher)/\(product)/\(component)"
        if batch { id += "/batch" }
        if longContext { id += "/long" }
        return id
    }

    /// The ``skuID`` plus `@` and the price row's `effective_from`.
    var skuPriceID: String { "\(skuID)@\(effectiveFrom)" }

    var unit: FocusUnit {
        switch component {
        case "call": .requests
        case "unit": .units
        default: .tokens
        }
    }

    /// "gpt-4o output tokens (batch)", "hunter email_finder calls".
    var chargeDescription: String {
        var text: String
        switch unit {
        case .tokens: text = "\(product) \(component.replacingUnderscores()) tokens"
        case .requests: text = "\(publisher) \(product) calls"
        case .units: text = "\(publisher) \(product) units"
        }
        switch (batch, longContext) {
        case (true, true): text += " (batch, long context)"
        case (true, false): text += " (batch)"
        case (false, true): text += " (long context)"
        case (false, false): break
        }
        return text
    }
}

/// What a FOCUS row's quantities count.
enum FocusUnit: Sendable {
    case tokens
    case requests
    case units

    /// `ConsumedUnit`.
    var consumedUnit: String {
        switch self {
        case .tokens: "Tokens"
        case .requests: "Requests"
        case .units: "Units"
        }
    }

    /// `PricingUnit`: prices are per 1M tokens, per call and per unit.
    var pricingUnit: String {
        switch self {
        case .tokens: "1000000 Tokens"
        case .requests: "Requests"
        case .units: "Units"
        }
    }

    /// `PricingQuantity` is the consumed quantity divided by `10^pricingScale`.
    var pricingScale: Int {
        switch self {
        case .tokens: 6
        case .requests, .units: 0
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
