import Pricing

extension Ledger {
    /// Appends the close record of `month` (contract section 14.1): from then on, an event of
    /// that month or an earlier one is late, billed into the first month still open.
    ///
    /// - Parameter now: when the close is recorded; `month` must have ended by then.
    /// - Throws: ``LedgerError`` `refused` when `month` has not ended, is closed already, comes
    ///   before the last closed month, or an earlier month with events is not closed.
    public func close(month: CivilMonth, now: Timestamp) async throws -> CloseRecord {
        guard now.millis >= month.endMillis else {
            throw LedgerError(.refused, "\(month) has not ended yet: it can be closed from \(Timestamp(millis: month.endMillis)) on")
        }
        return try await store.write { transaction in
            let tail = try await transaction.tail()
            if let last = tail.lastClosedMonth, month <= last {
                throw LedgerError(
                    .refused, month == last ? "\(month) is closed already" : "\(month) is before \(last), the last closed month: months close once, in order")
            }
            // Every month since the last closed one (or since the first event) must be closed first.
            let openFrom = Timestamp(millis: tail.lastClosedMonth?.endMillis ?? Int64.min / 4)
            if let earliest = try await transaction.earliestEvent(from: openFrom, to: Timestamp(millis: month.startMillis)) {
                throw LedgerError(.refused, "\(earliest.utcMonth) has events and is not closed: close it before \(month)")
            }
            let close = CloseRecord(sequence: tail.sequence + 1, month: month, recordedAt: now, previous: tail.hash)
            try await transaction.append(close)
            return close
        }
    }
}
