import CSVCodec
import CostLedger
import Pricing

/// The FinOps FOCUS `Cost and Usage` export (`costledger export --format focus`), in FOCUS 1.4 or
/// 1.2: one row per UTC hour, tenant, SKU price and billing (list price or free quota), streamed
/// hour by hour.
///
/// Amounts are exact and unrounded (`ListCost` is exactly `ListUnitPrice × PricingQuantity`), so
/// the file's `BilledCost` differs from the ledger's rounded per-event costs by at most half a
/// nano-USD per event; the `csv` export of ``LedgerExport`` is the one that adds up exactly.
public struct FocusExport {
    /// The records exported; always read in timestamp order.
    public let query: RecordQuery
    /// The price table the ledger was priced with: it gives each component's tokens and price.
    public let prices: PriceTable
    /// The specification the file follows: it decides the columns and a few values.
    public let version: FocusVersion

    /// - Parameters:
    ///   - query: the time range and tenant; its order is replaced by ``RecordQuery/Order/timestamp``,
    ///     which lets the export close one hour before reading the next.
    ///   - prices: the price table the ledger was priced with.
    ///   - version: the FOCUS version to write.
    public init(query: RecordQuery, prices: PriceTable, version: FocusVersion) {
        var query = query
        query.order = .timestamp
        self.query = query
        self.prices = prices
        self.version = version
    }

    /// Streams the export to `output` and returns the number of rows written (header excluded).
    ///
    /// - Throws: ``FocusExportError`` when the price table does not reproduce a stored cost,
    ///   `LedgerError` from the store, `OutputError` from `output`.
    public func write(from store: any LedgerStore, to output: OutputFile) async throws -> Int {
        var writer = CSVWriter(reservingCapacity: 80 * 1024)
        writer.writeRecord(version.columnNames)
        let charges = FocusCharges(prices: prices)
        var current: FocusHour?
        var rows = 0
        try await store.forEachRecord(query) { record in
            let hour = floorDivide(record.event.timestamp.millis, FocusHour.millisPerHour)
            if let open = current, open.hour != hour {
                guard hour > open.hour else {
                    throw FocusExportError(.unordered, sequence: record.sequence, "records are not in timestamp order")
                }
                rows += open.writeRows(to: &writer, version: version)
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
        if let open = current { rows += open.writeRows(to: &writer, version: version) }
        try output.write(writer.bytes)
        return rows
    }
}
