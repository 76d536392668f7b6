import Pricing

/// One record of the hash chain, of any kind: events, the closes of months and the adjustments
/// of events share one sequence and one chain (contract section 14).
public enum LedgerEntry: Sendable, Hashable {
    case event(LedgerRecord)
    case close(CloseRecord)
    /// An adjustment, with the event it adjusts.
    case adjustment(AdjustmentRecord, of: LedgerRecord)

    public var sequence: Int64 {
        switch self {
        case .event(let record): record.sequence
        case .close(let close): close.sequence
        case .adjustment(let adjustment, _): adjustment.sequence
        }
    }

    public var hash: ChainHash {
        switch self {
        case .event(let record): record.hash
        case .close(let close): close.hash
        case .adjustment(let adjustment, _): adjustment.hash
        }
    }

    /// The hash the entry must have when `previous` precedes it.
    public func chainHash(after previous: ChainHash) -> ChainHash {
        switch self {
        case .event(let record):
            previous.next(
                sequence: record.sequence, canonicalEvent: record.event.canonicalBytes, pricing: record.pricing,
                lateBillingMonth: record.lateBillingMonth)
        case .close(let close): close.chainHash(after: previous)
        case .adjustment(let adjustment, _): adjustment.chainHash(after: previous)
        }
    }
}

extension LedgerStore {
    /// Streams every record of the chain to `body`, in sequence order.
    ///
    /// Events are read in chunks of `chunk` sequence numbers; the close and adjustment records
    /// (few beside the events) are read first and merged in. `afterChunk` runs between chunks,
    /// where it may call the store.
    public func forEachEntry(
        chunk: Int64 = 65_536, _ body: (LedgerEntry) throws -> Void, afterChunk: () async throws -> Void = {}
    ) async throws {
        var others = try await closes().map(LedgerEntry.close)
        try await forEachAdjustment(.all) { adjustment, event in others.append(.adjustment(adjustment, of: event)) }
        others.sort { $0.sequence < $1.sequence }
        var next = others.startIndex
        let last = try await lastSequence()
        var first: Int64 = 1
        while first <= last {
            let sequences = first...min(last, first + chunk - 1)
            try await forEachRecord(RecordQuery(sequences: sequences)) { record in
                while next < others.endIndex, others[next].sequence < record.sequence {
                    try body(others[next])
                    next += 1
                }
                try body(.event(record))
            }
            while next < others.endIndex, others[next].sequence <= sequences.upperBound {
                try body(others[next])
                next += 1
            }
            try await afterChunk()
            first = sequences.upperBound + 1
        }
    }
}
