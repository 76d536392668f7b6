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
        let existing = try await destination.recordCount()
        guard existing == 0 else {
            throw Failure(kind: .destinationNotEmpty, description: "the destination already holds \(existing) events: copy only into an empty ledger")
        }
        var head = LedgerHead.empty
        guard let range = try await source.sequenceRange(.all) else { return CopyReport(copied: 0, head: head) }
        var first = range.lowerBound
        while first <= range.upperBound {
            let sequences = first...min(range.upperBound, first + chunk - 1)
            var records: [LedgerRecord] = []
            var broken: String?
            var chained = head
            try await source.forEachRecord(RecordQuery(sequences: sequences)) { record in
                guard broken == nil else { return }
                if record.sequence != chained.sequence + 1 {
                    broken = "sequence \(chained.sequence + 1) is missing from the source (next stored is \(record.sequence))"
                } else if chained.hash.next(sequence: record.sequence, canonicalEvent: record.event.canonicalBytes, pricing: record.pricing)
                    != record.hash
                {
                    broken = "sequence \(record.sequence): its hash does not match the chain: the source was altered"
                } else {
                    chained = LedgerHead(sequence: record.sequence, hash: record.hash)
                    records.append(record)
                }
            }
            if !records.isEmpty { try await append(records, to: destination, pricer: pricer) }
            head = chained
            progress(head.sequence)
            if let broken { throw Failure(kind: .brokenSource, description: broken + "; \(head.sequence) events copied") }
            first = sequences.upperBound + 1
        }
        return CopyReport(copied: head.sequence, head: head)
    }

    /// Appends sound records, with their rollups and quota counts, in one transaction.
    private static func append(_ records: [LedgerRecord], to destination: any LedgerStore, pricer: EventPricer) async throws {
        var rollups = RollupDelta()
        var drawn: [QuotaPool: Int64] = [:]
        for record in records {
            rollups.add(record)
            if case .quota(_, let pool, _) = pricer.plan(record.event) { drawn[pool, default: 0] += 1 }
        }
        rollups.removeZeros()
        try await destination.write { transaction in
            guard try await transaction.tail().sequence == records[0].sequence - 1 else {
                throw Failure(kind: .destinationChanged, description: "another writer appended to the destination during the copy")
            }
            try await transaction.append(records)
            if !drawn.isEmpty {
                var counts = try await transaction.quotaUsed(Set(drawn.keys))
                for (pool, calls) in drawn { counts[pool, default: 0] += calls }
                try await transaction.setQuotaUsed(counts)
            }
            try await transaction.addRollups(rollups)
        }
    }
}
