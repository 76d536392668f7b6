import Pricing

/// The result of re-walking the ledger.
public struct VerificationReport: Sendable, Hashable {
    /// Events checked (all of them when the ledger is sound).
    public var checked: Int64
    /// The first record that breaks the ledger, if any.
    public var failure: Failure?
    /// A stored rollup that does not add up to the events (checked when every record is sound).
    public var rollupMismatch: String?

    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var sequence: Int64
        public var reason: String
        public var description: String { "sequence \(sequence): \(reason)" }
    }

    public var isSound: Bool { failure == nil && rollupMismatch == nil }
}

extension Ledger {
    /// Re-walks the whole ledger: sequence numbers, the hash chain, and every stored cost,
    /// re-priced with the current price table and the free quotas replayed in ledger order.
    ///
    /// The records are read in chunks of sequence numbers, and the rollups of the UTC days
    /// completed in a chunk are compared after it, so memory holds only the days still open.
    ///
    /// - Parameter head: a record the ledger must still hold (see ``check(head:)``), checked first:
    ///   when it is missing, the report names it and nothing else is walked.
    public func verify(head: LedgerHead? = nil, progress: ((Int64) -> Void)? = nil) async throws -> VerificationReport {
        if let head, let failure = try await check(head: head) {
            return VerificationReport(checked: 0, failure: failure, rollupMismatch: nil)
        }
        var expectedSequence: Int64 = 1
        var previous = ChainHash.genesis
        var quotaCounts: [QuotaPool: Int64] = [:]
        var failure: VerificationReport.Failure?
        var rollups = try await RollupCheck.load(from: store)
        struct Stop: Error {}
        let pricer = pricer
        if let range = try await store.sequenceRange(.all) {
            var first = range.lowerBound
            do {
                while first <= range.upperBound {
                    let chunk = first...min(range.upperBound, first + Self.verifyChunk - 1)
                    try await store.forEachRecord(RecordQuery(sequences: chunk)) { record in
                        func fail(_ reason: String) throws -> Never {
                            failure = .init(sequence: record.sequence, reason: reason)
                            throw Stop()
                        }
                        if record.sequence != expectedSequence {
                            failure = .init(
                                sequence: expectedSequence,
                                reason: "sequence number missing (next stored is \(record.sequence))")
                            throw Stop()
                        }
                        let expectedHash = previous.next(
                            sequence: record.sequence, canonicalEvent: record.event.canonicalBytes, pricing: record.pricing)
                        if expectedHash != record.hash { try fail("hash does not match the chain: the row was altered") }
                        let (pricing, pool) = pricer.price(record.event) { quotaCounts[$0, default: 0] }
                        if pricing != record.pricing {
                            // The hash matched: the stored row is what was written, the price tables differ.
                            try fail("stored cost \(record.pricing.cost) (\(record.pricing.priceReference ?? "no price row")) "
                                + "differs from the re-priced \(pricing.cost) (\(pricing.priceReference ?? "no price row")); "
                                + "the chain is intact, so the price tables changed since it was stored, not the ledger")
                        }
                        if let pool { quotaCounts[pool, default: 0] += 1 }
                        rollups.add(record)
                        previous = record.hash
                        expectedSequence += 1
                        if expectedSequence % 1_000_000 == 0 { progress?(expectedSequence - 1) }
                    }
                    try await rollups.compareCompletedDays()
                    first = chunk.upperBound + 1
                }
            } catch is Stop {}
        }
        let mismatch = failure == nil ? try await rollups.finish() : nil
        return VerificationReport(checked: expectedSequence - 1, failure: failure, rollupMismatch: mismatch)
    }

    /// Sequence numbers read per query by ``verify(progress:)``.
    static let verifyChunk: Int64 = 65_536
}

extension Ledger {
    /// Whether the ledger still holds `head` (a record `report` wrote down) with its hash: plain
    /// ``verify(progress:)`` cannot tell a ledger whose last events were deleted from one that
    /// never had them.
    /// - Returns: the failure naming the head's sequence number, or nil when the record is there.
    public func check(head: LedgerHead) async throws -> VerificationReport.Failure? {
        guard head.sequence > 0 else {
            return head.hash == .genesis ? nil : .init(sequence: 0, reason: "the head of an empty ledger has the genesis hash")
        }
        guard let stored = try await store.hash(atSequence: head.sequence) else {
            let last = try await store.sequenceRange(.all)?.upperBound ?? 0
            let reason =
                last < head.sequence
                ? "the ledger no longer holds this record: it ends at sequence \(last) (events were deleted off its end)"
                : "the ledger no longer holds this record"
            return .init(sequence: head.sequence, reason: reason)
        }
        guard stored == head.hash else {
            return .init(sequence: head.sequence, reason: "the record's hash is not the head's \(head.hash): the ledger was rewritten")
        }
        return nil
    }
}
