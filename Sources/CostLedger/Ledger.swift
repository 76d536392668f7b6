import Pricing

/// The append-only ledger: prices events, chains them and stores them, idempotently.
///
/// All of the ledger's rules live here, above the store: pricing at the event's timestamp,
/// free quota consumed in ledger order, the hash chain, duplicates versus `id_conflict`.
public struct Ledger: Sendable {
    public let store: any LedgerStore
    public let pricer: EventPricer

    /// - Parameter unknownModels: what ingest does with an LLM event only a fallback row would price.
    public init(store: any LedgerStore, prices: PriceTable, unknownModels: UnknownModelPolicy = .estimate) {
        self.store = store
        self.pricer = EventPricer(prices: prices, unknownModels: unknownModels)
    }

    /// What happened to one event offered to ``append(_:)``.
    public enum AppendOutcome: Sendable, Hashable {
        /// Stored at this sequence number; `late` when its month was closed (section 14.1).
        case accepted(sequence: Int64, late: Bool = false)
        /// Already stored with the same content at this sequence number; not stored again.
        case duplicate(sequence: Int64)
        /// The id is stored with different content.
        case conflict(EventError)
    }

    /// An event with its canonical bytes and pricing plan, computed before the write transaction
    /// (on another thread, when ingesting), so the transaction does as little as possible.
    public struct Candidate: Sendable {
        public var event: UsageEvent
        public var canonical: [UInt8]
        public var plan: EventPricer.Plan

        public init(_ event: UsageEvent, pricer: EventPricer) {
            self.event = event
            canonical = event.canonicalBytes
            plan = pricer.plan(event)
        }
    }

    /// Prepares an event for ``append(_:)``.
    public func candidate(_ event: UsageEvent) -> Candidate {
        Candidate(event, pricer: pricer)
    }

    /// Candidates with the rollups they add if all are accepted as priced by their plans, computed
    /// before the write transaction (on the parser thread, when ingesting); ``append(_:)`` then
    /// only corrects the rollups for duplicates, conflicts and free-quota pricing.
    public struct Batch: Sendable {
        public private(set) var candidates: [Candidate] = []
        fileprivate var rollups = RollupDelta()

        public init() {}

        public init(_ candidates: [Candidate], pricer: EventPricer) {
            for candidate in candidates { append(candidate, pricer: pricer) }
        }

        public mutating func append(_ candidate: Candidate, pricer: EventPricer) {
            rollups.add(candidate.event, pricing: pricer.tentativePricing(candidate.plan))
            // Also tentative (every candidate accepted): ``Ledger/append(_:)`` redoes it when one is not.
            rollups.addPromptCacheUse(candidate.event)
            candidates.append(candidate)
        }

        public var isEmpty: Bool { candidates.isEmpty }

        /// Appends another batch's candidates after this one's (group commit).
        public mutating func append(contentsOf other: Batch) {
            candidates.append(contentsOf: other.candidates)
            rollups.merge(other.rollups)
        }
    }

    /// Appends events in order, in one transaction.
    public func append(_ candidates: [Candidate]) async throws -> [AppendOutcome] {
        try await append(Batch(candidates, pricer: pricer))
    }

    /// Appends a batch of events in order, in one transaction: the ids already stored (or seen
    /// earlier in the batch) are duplicates or conflicts, the others are priced in ledger order,
    /// chained and stored with their rollups.
    public func append(_ batch: Batch) async throws -> [AppendOutcome] {
        var rollups = batch.rollups
        let pricer = pricer
        return try await store.write { transaction in
            let tail = try await transaction.tail()
            var (sequence, hash) = (tail.sequence, tail.hash)
            let stored = try await transaction.storedRecords(ids: batch.candidates.map(\.event.id))
            var pools: Set<QuotaPool> = []
            for candidate in batch.candidates {
                if case .quota(_, let pool, _) = candidate.plan { pools.insert(pool) }
            }
            var quotaCounts = pools.isEmpty ? [:] : try await transaction.quotaUsed(pools)
            var records: [LedgerRecord] = []
            records.reserveCapacity(batch.candidates.count)
            /// The ids appended by this batch, with their place in `records`.
            var appended: [String: Int] = [:]
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(batch.candidates.count)
            var refused = false
            for candidate in batch.candidates {
                let id = candidate.event.id
                let existing = stored[id] ?? appended[id].map { records[$0] }
                if let existing {
                    rollups.add(candidate.event, pricing: pricer.tentativePricing(candidate.plan), sign: -1)
                    outcomes.append(Self.outcome(of: candidate, against: existing))
                    refused = true
                    continue
                }
                let (pricing, pool) = pricer.price(candidate.plan) { quotaCounts[$0, default: 0] }
                let record = LedgerRecord(
                    sequence: sequence + 1, event: candidate.event, canonical: candidate.canonical, pricing: pricing, previous: hash,
                    lateBillingMonth: BillingMonths.late(candidate.event.timestamp, lastClosed: tail.lastClosedMonth))
                sequence = record.sequence
                hash = record.hash
                appended[id] = records.count
                records.append(record)
                if let pool {
                    quotaCounts[pool, default: 0] += 1
                    // The batch's rollups assumed the tentative pricing: swap in the real one.
                    rollups.add(candidate.event, pricing: pricer.tentativePricing(candidate.plan), sign: -1)
                    rollups.add(candidate.event, pricing: pricing)
                }
                outcomes.append(.accepted(sequence: sequence, late: record.lateBillingMonth != nil))
            }
            // A prompt-cache window's first request cannot be taken back: rebuild that rollup from
            // the accepted events when the batch had a duplicate or a conflict (rare).
            if refused {
                rollups.promptCache = [:]
                for (candidate, outcome) in zip(batch.candidates, outcomes) {
                    if case .accepted = outcome { rollups.addPromptCacheUse(candidate.event) }
                }
            }
            guard !records.isEmpty else { return outcomes }
            try await transaction.append(records)
            if !quotaCounts.isEmpty { try await transaction.setQuotaUsed(quotaCounts) }
            rollups.removeZeros()
            try await transaction.addRollups(rollups)
            return outcomes
        }
    }

    /// A candidate whose id is already taken: a duplicate when the content is the same.
    private static func outcome(of candidate: Candidate, against stored: LedgerRecord) -> AppendOutcome {
        if stored.event.canonicalBytes == candidate.canonical {
            return .duplicate(sequence: stored.sequence)
        }
        return .conflict(
            EventError(
                .idConflict, "id \(candidate.event.id) is already in the ledger with different content",
                eventID: candidate.event.id))
    }
}
