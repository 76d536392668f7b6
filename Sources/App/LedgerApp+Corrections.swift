import CostLedger
import Pricing

// The write use cases of contract section 14: closing a month and appending corrections.
extension LedgerApp {
    /// Appends the close record of `month` (see ``Ledger/close(month:now:)``).
    public func close(month: CivilMonth, prices: PriceTable, now: Timestamp = .now()) async throws -> CloseRecord {
        let writer = try await location.openWriter()
        return try await writer.closing { try await Ledger(store: writer, prices: prices).close(month: month, now: now) }
    }

    /// Prices the events of `scope` again with `prices` and appends the adjustments (see
    /// ``Ledger/reprice(reason:scope:dryRun:now:progress:)``); a dry run reads the ledger
    /// read-only and writes nothing.
    public func reprice(
        reason: String, scope: RecordQuery, prices: PriceTable, dryRun: Bool, now: Timestamp = .now(), progress: ((Int64) -> Void)? = nil
    ) async throws -> RepriceReport {
        let store = dryRun ? try await location.openReader() : try await location.openWriter()
        return try await store.closing {
            try await Ledger(store: store, prices: prices).reprice(reason: reason, scope: scope, dryRun: dryRun, now: now, progress: progress)
        }
    }
}
