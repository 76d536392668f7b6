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
        // The adjustments (section 14.3) are Correction rows at their events' hours, merged in.
        var corrections: [(adjustment: AdjustmentRecord, event: LedgerRecord)] = []
        try await store.forEachAdjustment(AdjustmentQuery(query)) { corrections.append(($0, $1)) }
        corrections.sort { ($0.event.event.timestamp, $0.adjustment.sequence) < ($1.event.event.timestamp, $1.adjustment.sequence) }
        var next = corrections.startIndex
        var current: FocusHour?
        var rows = 0
        /// Makes `current` the FOCUS rows of `hour`, writing out the hour before it.
        func open(_ hour: Int64, sequence: Int64) throws {
            if let open = current, open.hour != hour {
                guard hour > open.hour else { throw FocusExportError(.unordered, sequence: sequence, "records are not in timestamp order") }
                rows += open.writeRows(to: &writer, version: version)
                current = nil
                if writer.bytes.count >= 64 * 1024 {
                    try output.write(writer.bytes)
                    writer.removeAll()
                }
            }
            if current == nil { current = FocusHour(hour: hour) }
        }
        func addCorrections(through hour: Int64) throws {
            while next < corrections.endIndex {
                let (adjustment, event) = corrections[next]
                let correctionHour = floorDivide(event.event.timestamp.millis, FocusHour.millisPerHour)
                guard correctionHour <= hour else { return }
                try open(correctionHour, sequence: adjustment.sequence)
                current?.addCorrection(
                    of: event, sku: FocusSKU.correction(of: event.event), amount: adjustment.costDelta, billingMonth: adjustment.billingMonth.firstDay)
                next += 1
            }
        }
        try await store.forEachRecord(query) { record in
            let hour = floorDivide(record.event.timestamp.millis, FocusHour.millisPerHour)
            try addCorrections(through: hour)
            try open(hour, sequence: record.sequence)
            try charges.forEach(of: record) { sku, quantity in
                current?.add(record, sku: sku, quantity: quantity, billingMonth: record.lateBillingMonth?.firstDay)
            }
        }
        try addCorrections(through: .max)
        if let open = current { rows += open.writeRows(to: &writer, version: version) }
        try output.write(writer.bytes)
        return rows
    }
}
