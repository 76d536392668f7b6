import CSVCodec
import CostLedger
import Pricing

/// The FinOps FOCUS 1.2 `CostAndUsage` export (`costledger export --format focus`): one row per
/// UTC hour, tenant, SKU price and billing (list price or free quota), streamed hour by hour.
///
/// Amounts are exact and unrounded (`ListCost` is exactly `ListUnitPrice × PricingQuantity`), so
/// the file's `BilledCost` differs from the ledger's rounded per-event costs by at most half a
/// nano-USD per event; the `csv` export of ``LedgerExport`` is the one that adds up exactly.
public struct FocusExport {
    /// The columns, in the order the contract fixes (FOCUS names; custom ones start with `x_`).
    public static let columns = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "CommitmentDiscountStatus", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "EffectiveCost", "InvoiceId",
        "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
        "ServiceCategory", "ServiceName", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId",
        "SubAccountId", "SubAccountName", "Tags", "x_Requests", "x_EstimatedRequests",
    ]

    /// The records exported; always read in timestamp order.
    public let query: RecordQuery
    /// The price table the ledger was priced with: it gives each component's tokens and price.
    public let prices: PriceTable

    /// - Parameters:
    ///   - query: the time range and tenant; its order is replaced by ``RecordQuery/Order/timestamp``,
    ///     which lets the export close one hour before reading the next.
    ///   - prices: the price table the ledger was priced with.
    public init(query: RecordQuery, prices: PriceTable) {
        var query = query
        query.order = .timestamp
        self.query = query
        self.prices = prices
    }

    /// Streams the export to `output` and returns the number of rows written (header excluded).
    ///
    /// - Throws: ``FocusExportError`` when the price table does not reproduce a stored cost,
    ///   `LedgerError` from the store, `OutputError` from `output`.
    public func write(from store: any LedgerStore, to output: OutputFile) async throws -> Int {
        var writer = CSVWriter(reservingCapacity: 80 * 1024)
        writer.writeRecord(Self.columns)
        let charges = FocusCharges(prices: prices)
        var current: FocusHour?
        var rows = 0
        try await store.forEachRecord(query) { record in
            let hour = floorDivide(record.event.timestamp.millis, FocusHour.millisPerHour)
            if let open = current, open.hour != hour {
                guard hour > open.hour else {
                    throw FocusExportError(.unordered, sequence: record.sequence, "records are not in timestamp order")
                }
                rows += open.writeRows(to: &writer)
                current = nil
                if writer.bytes.count >= 64 * 1024 {
                    try output.write(writer.bytes)
                    writer.removeAll()
                }
            }
            if current == nil { current = FocusHour(hour: hour) }
            try charges.forEach(of: record) { sku, quantity in
                current?.add(record, sku: sku, quantity: quantity)
            }
        }
        if let open = current { rows += open.writeRows(to: &writer) }
        try output.write(writer.bytes)
        return rows
    }
}
