import Pricing

/// What ``LedgerCopy/run(from:to:pricer:progress:)`` copied.
public struct CopyReport: Sendable, Hashable {
    /// Records copied.
    public var copied: Int64
    /// The last record's head (``LedgerHead/empty`` for an empty source).
    public var head: LedgerHead
}

/// Copies a whole ledger to an empty store of either engine, record for record: the same sequence
/// numbers, prices and hashes, with the rollups and free-quota counts the copied records imply.
///
/// The source's chain is verified as it is read (gapless sequence numbers, every hash recomputed):
/// a copy never carries a broken ledger over silently.
public enum LedgerCopy {
    /// Records per transaction on the destination.
    public static let chunk: Int64 = 16_384

    /// Why a copy was refused or stopped.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            /// The destination already holds events: nothing was written.
            case destinationNotEmpty
            /// The source's chain is broken: the sound records before the break were copied.
            case brokenSource
            /// Another writer appended to the destination meanwhile.
            case destinationChanged
        }

        public var kind: Kind
        public var description: String
    }

    /// Copies every record of `source` to `destination`, which must hold none.
    ///
    /// - Parameters:
    ///   - pricer: tells which free-quota pool each API call drew on (the price table the ledger
    ///     was priced with), so the destination's quota counts continue where the source's stand.
    ///   - progress: called after each committed chunk with the records copied so far.
    /// - Throws: ``Failure`` for a non-empty destination or a broken source chain (nothing after
    ///   the last sound chunk is written); `LedgerError` from either store.
    public static func run(
        from source: any LedgerStore, to destination: any LedgerStore, pricer: EventPricer, progress: (Int64) -> Void = { _ in }
    ) async throws -> CopyReport {
        let existing = try await destination.lastSequence()
        guard existing == 0 else {
            throw Failure(kind: .destinationNotEmpty, description: "the destination already holds \(existing) records: copy only into an empty ledger")
        }
        var head = LedgerHead.empty
        var pending: [LedgerEntry] = []
        var broken: String?
        var billed: [Int64: EventPricing] = [:]
        try await source.forEachEntry(
            chunk: chunk,
            { entry in
                guard broken == nil else { return }
                let expected = head.sequence + Int64(pending.count) + 1
                let previous = pending.last?.hash ?? head.hash
                if entry.sequence != expected {
                    broken = "sequence \(expected) is missing from the source (next stored is \(entry.sequence))"
                } else if entry.chainHash(after: previous) != entry.hash {
                    broken = "sequence \(entry.sequence): its hash does not match the chain: the source was altered"
                } else {
                    pending.append(entry)
                }
            },
            afterChunk: {
                if !pending.isEmpty {
                    try await append(pending, billed: &billed, to: destination, pricer: pricer)
                    head = LedgerHead(sequence: pending[pending.count - 1].sequence, hash: pending[pending.count - 1].hash)
                    pending = []
                }
                progress(head.sequence)
                if let broken { throw Failure(kind: .brokenSource, description: broken + "; \(head.sequence) records copied") }
            })
        return CopyReport(copied: head.sequence, head: head)
    }

    /// Appends sound records, with their rollups and quota counts, in one transaction.
    /// - Parameter billed: each adjusted event's billed pricing so far, carried from chunk to chunk.
    private static func append(
        _ entries: [LedgerEntry], billed: inout [Int64: EventPricing], to destination: any LedgerStore, pricer: EventPricer
    ) async throws {
        var rollups = RollupDelta()
        var drawn: [QuotaPool: Int64] = [:]
        var records: [LedgerRecord] = []
        var closes: [CloseRecord] = []
        var adjustments: [AdjustmentRecord] = []
        for entry in entries {
            switch entry {
            case .event(let record):
                rollups.add(record)
                if case .quota(_, let pool, _) = pricer.plan(record.event) { drawn[pool, default: 0] += 1 }
                records.append(record)
            case .close(let close):
                closes.append(close)
            case .adjustment(let adjustment, let event):
                rollups.add(adjustment, of: event.event, before: billed[event.sequence] ?? event.pricing)
                billed[event.sequence] = adjustment.repriced
                adjustments.append(adjustment)
            }
        }
        rollups.removeZeros()
        let first = entries[0].sequence
        try await destination.write { [records, closes, adjustments, rollups, drawn] transaction in
            guard try await transaction.tail().sequence == first - 1 else {
                throw Failure(kind: .destinationChanged, description: "another writer appended to the destination during the copy")
            }
            if !records.isEmpty { try await transaction.append(records) }
            for close in closes { try await transaction.append(close) }
            if !adjustments.isEmpty { try await transaction.append(adjustments) }
            if !drawn.isEmpty {
                var counts = try await transaction.quotaUsed(Set(drawn.keys))
                for (pool, calls) in drawn { counts[pool, default: 0] += calls }
                try await transaction.setQuotaUsed(counts)
            }
            try await transaction.addRollups(rollups)
        }
    }
}
