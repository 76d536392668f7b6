/// Where the ledger lives. SQLite implements it today; a PostgreSQL store can follow without
/// touching the modules above, since the ledger's rules (pricing, chain, idempotency) live in
/// ``Ledger`` and stores only keep rows.
public protocol LedgerStore: AnyObject {
    /// Runs `body` in one write transaction, exclusive against other writers; commits when it
    /// returns and rolls back when it throws.
    func write<Result>(_ body: (any LedgerWriteTransaction) throws -> Result) throws -> Result

    /// Streams the records that match `query` to `body`, in sequence order.
    func forEachRecord(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) throws

    /// The sequence numbers the events of `query`'s time range lie between; nil when it holds none.
    func sequenceRange(_ query: RecordQuery) throws -> ClosedRange<Int64>?

    /// Streams the records that match `query` as finance line items, read in place (see ``LineItem``).
    func forEachLineItem(_ query: RecordQuery, _ body: (LineItem) throws -> Void) throws

    /// The number of stored events.
    func recordCount() throws -> Int64

    /// The record with the highest sequence number among those with `timestamp <= asOf` (the
    /// last one a report for `asOf` counts); nil when there is none.
    func head(asOf: Timestamp) throws -> LedgerHead?

    /// The stored hash of record `sequence`; nil when the ledger holds no such record.
    func hash(atSequence sequence: Int64) throws -> ChainHash?

    /// Every usage key of the daily rollup, by the number the store gave it. Numbers are never
    /// reused, so a caller may keep them for the life of the ledger.
    func usageKeys() throws -> [Int64: UsageKey]

    /// Streams the daily usage rollup of UTC days in `days` (days since the epoch): one row per
    /// day and usage key, the key given by its number (see ``usageKeys()``).
    func forEachDailyRollup(days: Range<Int64>, _ body: (_ day: Int64, _ key: Int64, UsageTotals) throws -> Void) throws

    /// Streams the quarter-hour spend rollup of `buckets` (milliseconds / 900,000).
    func forEachQuarterHourRollup(buckets: Range<Int64>, _ body: (_ bucket: Int64, SpendKey, SpendTotals) throws -> Void) throws

    /// Streams each conversation's LLM cost over the quarter hours before `bucket` (milliseconds /
    /// 900,000), with the latest of those quarter hours that had events.
    func forEachConversation(before bucket: Int64, _ body: (ConversationKey, _ lastBucket: Int64, SpendTotals) throws -> Void) throws

    /// Streams the prompt-cache rollup of 5-minute `buckets` (milliseconds / 300,000), only the
    /// windows with at least `minimumRequests` requests.
    func forEachPromptCacheRollup(
        buckets: Range<Int64>, minimumRequests: Int64, _ body: (PromptCacheKey, PromptCacheTotals) throws -> Void
    ) throws

    /// Streams each request key's calls summed over UTC `days`, for the keys with at least
    /// `minimumRequests` of them there.
    func forEachRequestKeyTotal(days: Range<Int64>, minimumRequests: Int64, _ body: (RequestKeyKey, SpendTotals) throws -> Void) throws

    /// One request key's calls summed over UTC `days`.
    func requestKeyTotal(_ key: RequestKeyKey, days: Range<Int64>) throws -> SpendTotals

    /// Streams the tokens-per-request histogram rollup of UTC `days`.
    func forEachHistogramRollup(
        days: Range<Int64>, _ body: (_ day: Int64, HistogramKey, _ bucketIndex: Int, TokenCount) throws -> Void
    ) throws
}

/// The operations of a write transaction.
public protocol LedgerWriteTransaction {
    /// The last record's sequence number and hash (0 and ``ChainHash/genesis`` when empty).
    func tail() throws -> (sequence: Int64, hash: ChainHash)
    /// Appends `record`; false, with nothing written, when its event id is already stored.
    func insertIfNew(_ record: LedgerRecord) throws -> Bool
    /// The stored record of an event id.
    func record(id: String) throws -> LedgerRecord?
    /// Successful calls counted so far in a free-quota pool.
    func quotaUsed(_ pool: QuotaPool) throws -> Int64
    func setQuotaUsed(_ pool: QuotaPool, to used: Int64) throws
    /// Adds the rollups of the records appended in this transaction.
    func addRollups(_ delta: RollupDelta) throws
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
    public var order: Order

    /// The order records are streamed in.
    public enum Order: Sendable, Hashable {
        /// Ledger order: the order events were accepted in.
        case sequence
        /// By timestamp, then sequence (uses the timestamp index; for per-hour grouping).
        case timestamp
    }

    public init(
        from: Timestamp? = nil, to: Timestamp? = nil, tenantID: String? = nil, sequences: ClosedRange<Int64>? = nil, order: Order = .sequence
    ) {
        self.from = from
        self.to = to
        self.tenantID = tenantID
        self.sequences = sequences
        self.order = order
    }

    /// Every record.
    public static let all = RecordQuery()
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
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
