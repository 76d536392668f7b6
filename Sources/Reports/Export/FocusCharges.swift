import CostLedger
import Pricing

/// Splits stored events into their priced components, re-deriving each component's price from
/// the price table and checking it against what the ledger stored.
struct FocusCharges {
    let prices: PriceTable

    /// Calls `body` with each component of `record` that has a non-zero quantity.
    ///
    /// Records with no price row (an LLM model with no row and no fallback, an unpriced service)
    /// and errored API calls have none.
    /// - Throws: ``FocusExportError`` with ``FocusExportError/Code/priceMismatch`` when the price
    ///   table does not give the row and cost stored for the event.
    func forEach(of record: LedgerRecord, _ body: (FocusSKU, Int64) throws -> Void) throws {
        guard let reference = record.pricing.priceReference else { return }
        let event = record.event
        let date = event.timestamp.utcDate
        switch event.usage {
        case .llm(let call) where reference == EventPricer.providerReference:
            // Billed what the provider reported (section 11.3): one SKU counting nano-USD, 1 USD per 1e9.
            guard let reported = call.providerCost, reported == record.pricing.cost else {
                throw mismatch(record, found: "a provider cost of \(call.providerCost?.description ?? "none")")
            }
            let sku = FocusSKU(
                kind: .llm, publisher: call.provider, product: call.model, component: FocusSKU.reportedComponent,
                tier: call.tokens.serviceTier, longContext: false, effectiveFrom: date, listUnitPrice: .one,
                discount: .zero)
            if reported.nanos > 0 { try body(sku, reported.nanos) }
        case .llm(let call):
            let quote = prices.quote(provider: call.provider, model: call.model, usage: call.tokens, on: date)
            guard let row = quote.row, quote.reference == reference, quote.cost == record.pricing.cost else {
                throw mismatch(record, found: "\(quote.row?.reference ?? "no price row") costing \(quote.cost)")
            }
            for charge in quote.charges where charge.quantity > 0 {
                let sku = FocusSKU(
                    kind: .llm, publisher: call.provider, product: call.model, component: charge.component.rawValue,
                    tier: call.tokens.serviceTier, longContext: quote.longContext,
                    // The later of the two rows: a price the SKU has from that day on.
                    effectiveFrom: max(row.effectiveFrom, quote.tierRow?.effectiveFrom ?? row.effectiveFrom),
                    listUnitPrice: charge.unitPrice, discount: quote.discount)
                try body(sku, charge.quantity)
            }
        case .api(let call):
            guard call.status == .success else { return }
            let row = prices.serviceRow(service: call.service, operation: event.operation, on: date)
            let list = row.map { Money(nanos: ($0.pricePerCall.millionths + $0.pricePerUnit.millionths * call.units) * 1000) }
            guard let row, let list, row.reference == reference, (record.pricing.freeQuota ? .zero : list) == record.pricing.cost
            else {
                throw mismatch(record, found: "\(row?.reference ?? "no price row") listing \(list ?? .zero)")
            }
            func sku(_ component: String, _ price: Decimal6) -> FocusSKU {
                FocusSKU(
                    kind: .api, publisher: call.service, product: event.operation, component: component, tier: .standard,
                    longContext: false, effectiveFrom: row.effectiveFrom, listUnitPrice: price, discount: .zero)
            }
            // Every successful call is a request, even at a zero call price; units are a SKU only
            // where the row prices them (elsewhere `units` is informational, e.g. 1 for termene).
            try body(sku("call", row.pricePerCall), 1)
            if row.pricePerUnit > .zero {
                try body(sku("unit", row.pricePerUnit), call.units)
            }
        }
    }

    private func mismatch(_ record: LedgerRecord, found: String) -> FocusExportError {
        FocusExportError(
            .priceMismatch, sequence: record.sequence,
            "event \(record.event.id) is stored as \(record.pricing.priceReference ?? "no price row") costing "
                + "\(record.pricing.cost)\(record.pricing.freeQuota ? " (free quota)" : ""), but the price table gives \(found); "
                + "export with the price tables the ledger was priced with (costledger verify checks them)")
    }
}
