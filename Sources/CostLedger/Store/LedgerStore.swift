import Pricing

/// Where the ledger lives: one protocol that both engines implement, SQLite (embedded,
/// synchronous underneath) and PostgreSQL (asynchronous, over the network).
///
/// Stores only keep rows and answer the queries named here; the ledger's rules (pricing, the
/// chain, idempotency, quota order) live in ``Ledger``. Nothing here exposes an engine's types,
/// row pointers or numbering: every value crossing it is a plain `Sendable` value.
///
/// Streaming methods hand rows to a synchronous `body`, in order, while the rows are read; `body`
/// must not call the same store (a store may serve one call at a time).
public protocol LedgerStore: Sendable {
    /// Runs `body` in one write transaction, exclusive against every other writer of the ledger
    /// (another connection, process or host); commits when it returns and rolls back when it throws.
    func write<Result: Sendable>(_ body: (any LedgerWriteTransaction) async throws -> Result) async throws -> Result

    /// Streams the records that match `query` to `body`, in the query's order.
    func forEachRecord(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) async throws

    /// The sequence numbers the events of `query`'s time range lie between; nil when it holds none.
    func sequenceRange(_ query: RecordQuery) async throws -> ClosedRange<Int64>?

    /// Streams the records that match `query` as finance line items (see ``LineItem``).
    func forEachLineItem(_ query: RecordQuery, _ body: (LineItem) throws -> Void) async throws

    /// The close records (section 14.1), in sequence order.
    func closes() async throws -> [CloseRecord]

    /// Streams the adjustment records (section 14.2) that match `query`, in sequence order, each
    /// with the event it adjusts.
    func forEachAdjustment(_ query: AdjustmentQuery, _ body: (AdjustmentRecord, LedgerRecord) throws -> Void) async throws

    /// The highest sequence number of any record (event, close or adjustment); 0 when there is none.
    func lastSequence() async throws -> Int64

    /// The number of stored events.
    func recordCount() async throws -> Int64

    /// The record with the highest sequence number among those with `timestamp <= asOf` (the
    /// last one a report for `asOf` counts); nil when there is none.
    func head(asOf: Timestamp) async throws -> LedgerHead?

    /// The stored hash of record `sequence` (of any kind); nil when the ledger holds no such record.
    func hash(atSequence sequence: Int64) async throws -> ChainHash?

    /// Streams the daily usage rollup of UTC days in `days` (days since the epoch): one row per
    /// day and usage key, the rows of one day together.
    func forEachDailyRollup(days: Range<Int64>, _ body: (_ day: Int64, UsageKey, UsageTotals) throws -> Void) async throws

    /// Streams the quarter-hour spend rollup of `buckets` (milliseconds / 900,000).
    func forEachQuarterHourRollup(buckets: Range<Int64>, _ body: (_ bucket: Int64, SpendKey, SpendTotals) throws -> Void) async throws

    /// Streams each conversation's LLM cost over the quarter hours before `bucket` (milliseconds /
    /// 900,000), with the latest of those quarter hours that had events.
    func forEachConversation(before bucket: Int64, _ body: (ConversationKey, _ lastBucket: Int64, SpendTotals) throws -> Void) async throws

    /// Streams the prompt-cache rollup of 5-minute `buckets` (milliseconds / 300,000), only the
    /// windows with at least `minimumRequests` requests.
    func forEachPromptCacheRollup(
        buckets: Range<Int64>, minimumRequests: Int64, _ body: (PromptCacheKey, PromptCacheTotals) throws -> Void
    ) async throws

    /// Streams each request key's calls summed over UTC `days`, for the keys with at least
    /// `minimumRequests` of them there.
    func forEachRequestKeyTotal(
        days: Range<Int64>, minimumRequests: Int64, _ body: (RequestKeyKey, SpendTotals) throws -> Void
    ) async throws

    /// One request key's calls summed over UTC `days`.
    func requestKeyTotal(_ key: RequestKeyKey, days: Range<Int64>) async throws -> SpendTotals

    /// Streams the tokens-per-request histogram rollup of UTC `days`.
    func forEachHistogramRollup(
        days: Range<Int64>, _ body: (_ day: Int64, HistogramKey, _ bucketIndex: Int, TokenCount) throws -> Void
    ) async throws

    /// Whether a write could commit now: the store was opened to write and its file or database
    /// accepts writes (readiness).
    func isWritable() async -> Bool

    /// Ends the use of the store: its connection closes (a reader's snapshot ends with it).
    /// Nothing may be called after it.
    func close() async
}

extension LedgerStore {
    /// Runs `body`, then closes the store, whether `body` returned or threw.
    public func closing<Result>(after body: () async throws -> Result) async throws -> Result {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}

/// The operations of a write transaction. They see the ledger as this transaction leaves it, and
/// no other writer changes it until the transaction ends.
public protocol LedgerWriteTransaction {
    /// The end of the chain: the last record of any kind and the last closed month.
    func tail() async throws -> ChainTail
    /// The stored records of those of `ids` that are stored, by id.
    func storedRecords(ids: [String]) async throws -> [String: LedgerRecord]
    /// Appends `records`, in sequence order; their ids are not stored (the caller checked, in this
    /// transaction).
    func append(_ records: [LedgerRecord]) async throws
    /// Successful calls counted so far in each of `pools` (0 for a pool never drawn on).
    func quotaUsed(_ pools: Set<QuotaPool>) async throws -> [QuotaPool: Int64]
    /// Sets the successful calls counted in pools.
    func setQuotaUsed(_ counts: [QuotaPool: Int64]) async throws
    /// Adds the rollups of the records appended in this transaction.
    func addRollups(_ delta: RollupDelta) async throws
    /// The earliest timestamp of an event with `from <= timestamp < to`; nil when there is none.
    func earliestEvent(from: Timestamp, to: Timestamp) async throws -> Timestamp?
    /// Appends a close record after the tail.
    func append(_ close: CloseRecord) async throws
    /// Appends adjustment records, in sequence order, after the tail.
    func append(_ adjustments: [AdjustmentRecord]) async throws
    /// The adjustments of the events numbered `events`, in sequence order.
    func adjustments(ofEvents events: ClosedRange<Int64>) async throws -> [AdjustmentRecord]
}

/// The end of the hash chain, where a write transaction appends.
public struct ChainTail: Sendable, Hashable {
    /// The last record's sequence number and hash, of whatever kind (0 and ``ChainHash/genesis`` when empty).
    public var sequence: Int64
    public var hash: ChainHash
    /// The last closed month; nil when no month was closed.
    public var lastClosedMonth: CivilMonth?

    public init(sequence: Int64, hash: ChainHash, lastClosedMonth: CivilMonth?) {
        self.sequence = sequence
        self.hash = hash
        self.lastClosedMonth = lastClosedMonth
    }

    /// The tail of an empty ledger.
    public static let empty = ChainTail(sequence: 0, hash: .genesis, lastClosedMonth: nil)
}

/// Which records to read.
public struct RecordQuery: Sendable, Hashable {
    /// Inclusive lower bound of the timestamp.
    public var from: Timestamp?
    /// Exclusive upper bound of the timestamp.
    public var to: Timestamp?
    public var tenantID: String?
    /// Only these sequence numbers (for reading a large range in chunks).
    public var sequences: ClosedRange<Int64>?
    /// Only the events billed in this month (section 14.1): those of its timestamps that were not
    /// late, and the late events billed into it; `from` and `to` are then not used.
    public var billingMonth: CivilMonth?
    /// Only late events (section 14.1).
    public var lateOnly: Bool
    public var order: Order

    /// The order records are streamed in.
    public enum Order: Sendable, Hashable {
        /// Ledger order: the order events were accepted in.
        case sequence
        /// By timestamp, then sequence (uses the timestamp index; for per-hour grouping).
        case timestamp
    }

    public init(
        from: Timestamp? = nil, to: Timestamp? = nil, tenantID: String? = nil, sequences: ClosedRange<Int64>? = nil,
        billingMonth: CivilMonth? = nil, lateOnly: Bool = false, order: Order = .sequence
    ) {
        self.lateOnly = lateOnly
        self.from = from
        self.to = to
        self.tenantID = tenantID
        self.sequences = sequences
        self.billingMonth = billingMonth
        self.order = order
    }

    /// Every record.
    public static let all = RecordQuery()
}

/// Which adjustment records to read; every condition given must hold.
public struct AdjustmentQuery: Sendable, Hashable {
    /// The adjusted event's timestamp: inclusive lower bound.
    public var eventFrom: Timestamp?
    /// The adjusted event's timestamp: exclusive upper bound.
    public var eventTo: Timestamp?
    /// The adjusted event's tenant.
    public var tenantID: String?
    /// The adjusted event's sequence number.
    public var eventSequences: ClosedRange<Int64>?
    /// The month the adjustment is billed in.
    public var billingMonth: CivilMonth?
    /// When the adjustment was recorded: inclusive lower bound.
    public var recordedFrom: Timestamp?
    /// When the adjustment was recorded: exclusive upper bound.
    public var recordedTo: Timestamp?

    public init(
        eventFrom: Timestamp? = nil, eventTo: Timestamp? = nil, tenantID: String? = nil, eventSequences: ClosedRange<Int64>? = nil,
        billingMonth: CivilMonth? = nil, recordedFrom: Timestamp? = nil, recordedTo: Timestamp? = nil
    ) {
        self.eventFrom = eventFrom
        self.eventTo = eventTo
        self.tenantID = tenantID
        self.eventSequences = eventSequences
        self.billingMonth = billingMonth
        self.recordedFrom = recordedFrom
        self.recordedTo = recordedTo
    }

    /// Every adjustment.
    public static let all = AdjustmentQuery()

    /// The adjustments of the events a record query selects: by the events' timestamps and
    /// tenant, or by billing month.
    public init(_ query: RecordQuery) {
        if let month = query.billingMonth {
            self.init(tenantID: query.tenantID, billingMonth: month)
        } else {
            self.init(eventFrom: query.from, eventTo: query.to, tenantID: query.tenantID)
        }
    }
}

/// A failure of the ledger's storage, or a ledger that breaks its own rules.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The database could not be opened, read or written.
        public static let storage = Code(rawValue: "storage")
        /// An input file could not be read.
        public static let input = Code(rawValue: "input")
        /// A stored row cannot be turned back into an event.
        public static let corruptRow = Code(rawValue: "corrupt_row")
        /// The file is not a ledger: not a database at all, a corrupt page, or no ledger tables.
        public static let damaged = Code(rawValue: "damaged")
        /// A `--db` value that names no store this build can open.
        public static let location = Code(rawValue: "location")
        /// The ledger's rules refuse the operation (a month closed twice, out of order, or before it ended).
        public static let refused = Code(rawValue: "refused")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
