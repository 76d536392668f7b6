import CostLedger
import PostgresNIO
import Pricing

/// The ledger in a PostgreSQL database (13 or later), for several writers on several hosts.
///
/// Every write is one transaction that first takes one transaction-level advisory lock, so all
/// writers of the database share one gapless sequence, one hash chain and one free-quota order,
/// and an id offered to two of them at once is stored once. A commit waits for the WAL flush
/// (`synchronous_commit` on). A trigger refuses `UPDATE`, `DELETE` and `TRUNCATE` of `events`.
///
/// A reader (``openReader(url:)``) reads one snapshot: its connection holds one `REPEATABLE READ
/// READ ONLY` transaction from open to ``close()``. A writer (``openWriter(url:)``) reads outside
/// any transaction, and opens its connection again (with retries over about a second) when the
/// next call (a write, a read or ``isWritable()``) finds it lost; a write whose connection drops
/// throws ``LedgerError`` `storage`.
public final class PostgresLedgerStore: LedgerStore {
    let session: PostgresSession
    private let readOnly: Bool

    private init(session: PostgresSession, readOnly: Bool) {
        self.session = session
        self.readOnly = readOnly
    }

    /// Opens the ledger at `url` (see ``StoreLocation/postgres(url:)``) to write: the schema is
    /// created, or migrated from an older costledger's, in one transaction.
    /// - Throws: ``LedgerError`` `location` for a malformed URL; `storage` when the database
    ///   cannot be reached, or holds a newer costledger's schema or tables of another program.
    public static func openWriter(url: String) async throws(LedgerError) -> PostgresLedgerStore {
        let session = try await PostgresSession(url: try PostgresURL(url), reconnects: true)
        do {
            try await session.withLink { link in try await PostgresSchema.migrate(link) }
        } catch {
            await session.close()
            throw Self.ledgerError(error, session)
        }
        return PostgresLedgerStore(session: session, readOnly: false)
    }

    /// Opens the ledger at `url` read-only, as one snapshot: it is never created, migrated or written.
    /// - Throws: ``LedgerError`` `location` for a malformed URL; `damaged` when the database holds
    ///   no ledger; `storage` when it cannot be reached or its schema is not this costledger's.
    public static func openReader(url: String) async throws(LedgerError) -> PostgresLedgerStore {
        let session = try await PostgresSession(url: try PostgresURL(url), reconnects: false)
        do {
            try await session.withLink { link in
                try await link.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot start a read-only transaction")
                let version = try await PostgresSchema.storedVersion(link)
                guard let version, version > 0 else {
                    throw LedgerError(.damaged, "\(link.url.redacted) holds no ledger (no costledger tables)")
                }
                try PostgresSchema.checkReadable(version, link.url)
            }
        } catch {
            await session.close()
            throw Self.ledgerError(error, session)
        }
        return PostgresLedgerStore(session: session, readOnly: true)
    }

    /// Whether a write could commit now: for a writer, its connection is open (a lost one is
    /// opened again, with retries over about a second) and the server is a primary that accepts
    /// writes; false for a reader.
    public func isWritable() async -> Bool {
        guard !readOnly else { return false }
        let check: PostgresQuery = "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"
        return (try? await session.withLink { link in try await link.firstRow(check, "cannot reach the database")?.bool(0) }) == true
    }

    public func write<Result: Sendable>(_ body: (any LedgerWriteTransaction) async throws -> Result) async throws -> Result {
        guard !readOnly else { throw LedgerError(.storage, "\(session.url.redacted) is open read-only: it cannot be written") }
        return try await session.withLink { link in
            try await link.run("BEGIN", "cannot begin a write transaction")
            do {
                var binds = PostgresBindings()
                binds.append(PostgresSchema.writeLock)
                try await link.run(
                    PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock($1)", binds: binds), "cannot take the ledger's write lock")
                let result = try await body(PostgresWriteTransaction(link: link))
                try await link.run("COMMIT", "cannot commit")
                return result
            } catch {
                await link.rollback()
                throw error
            }
        }
    }

    public func forEachRecord(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) async throws {
        let select = Self.select(PostgresRecords.selectList, query)
        try await session.withLink { link in
            try await link.forEachRow(select, "cannot read events") { row in try body(try LedgerRecord(stored: row)) }
        }
    }

    public func forEachLineItem(_ query: RecordQuery, _ body: (LineItem) throws -> Void) async throws {
        let select = Self.select(PostgresRecords.lineItemSelectList, query)
        try await session.withLink { link in
            var item = LineItem()
            try await link.forEachRow(select, "cannot read events") { row in
                try PostgresRecords.lineItem(from: row, into: &item)
                try body(item)
            }
        }
    }

    public func sequenceRange(_ query: RecordQuery) async throws -> ClosedRange<Int64>? {
        // As in the SQLite store, only the time range (or billing month) counts.
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let month = query.billingMonth {
            conditions.append(Self.billedIn(month, &binds))
        } else {
            if let from = query.from { conditions.append("ts_ms >= \(Self.bind(from.millis, &binds))") }
            if let to = query.to { conditions.append("ts_ms < \(Self.bind(to.millis, &binds))") }
        }
        let sql = "SELECT min(seq), max(seq) FROM events" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        return try await session.withLink { link in
            guard let row = try await link.firstRow(PostgresQuery(unsafeSQL: sql, binds: binds), "cannot read the sequence range"),
                let first = try row.optionalInt64(0), let last = try row.optionalInt64(1)
            else { return nil }
            return first...last
        }
    }

    public func recordCount() async throws -> Int64 {
        try await session.withLink { link in
            try await link.firstRow("SELECT count(*) FROM events", "cannot count events")?.int64(0) ?? 0
        }
    }

    public func head(asOf: Timestamp) async throws -> LedgerHead? {
        var binds = PostgresBindings()
        binds.append(asOf.millis)
        let query = PostgresQuery(unsafeSQL: "SELECT seq, hash FROM events WHERE ts_ms <= $1 ORDER BY seq DESC LIMIT 1", binds: binds)
        return try await session.withLink { link in
            guard let row = try await link.firstRow(query, "cannot read the ledger's head") else { return nil }
            return LedgerHead(sequence: try row.int64(0), hash: ChainHash(bytes: row.bytes(1)))
        }
    }

    public func hash(atSequence sequence: Int64) async throws -> ChainHash? {
        var binds = PostgresBindings()
        binds.append(sequence)
        let query = PostgresQuery(
            unsafeSQL: ["events", "closes", "adjustments"].map { "SELECT hash FROM \($0) WHERE seq = $1" }.joined(separator: " UNION ALL "),
            binds: binds)
        return try await session.withLink { link in
            try await link.firstRow(query, "cannot read the hash of sequence \(sequence)").map { ChainHash(bytes: $0.bytes(0)) }
        }
    }

    public func lastSequence() async throws -> Int64 {
        let query: PostgresQuery =
            "SELECT greatest((SELECT max(seq) FROM events), (SELECT max(seq) FROM closes), (SELECT max(seq) FROM adjustments))"
        return try await session.withLink { link in try await link.firstRow(query, "cannot read the last sequence number")?.int64(0) ?? 0 }
    }

    public func closes() async throws -> [CloseRecord] {
        let query = PostgresQuery(unsafeSQL: "SELECT \(CloseRecord.storedColumns.joined(separator: ", ")) FROM closes ORDER BY seq")
        return try await session.withLink { link in
            var closes: [CloseRecord] = []
            try await link.forEachRow(query, "cannot read close records") { row in closes.append(try CloseRecord(stored: row)) }
            return closes
        }
    }

    public func forEachAdjustment(_ query: AdjustmentQuery, _ body: (AdjustmentRecord, LedgerRecord) throws -> Void) async throws {
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let from = query.eventFrom { conditions.append("e.ts_ms >= \(Self.bind(from.millis, &binds))") }
        if let to = query.eventTo { conditions.append("e.ts_ms < \(Self.bind(to.millis, &binds))") }
        if let tenantID = query.tenantID {
            binds.append(tenantID)
            conditions.append("e.tenant_id = $\(binds.count)")
        }
        if let events = query.eventSequences {
            conditions.append("a.adjusts_seq BETWEEN \(Self.bind(events.lowerBound, &binds)) AND \(Self.bind(events.upperBound, &binds))")
        }
        if let month = query.billingMonth { conditions.append("a.billing_month = \(Self.bind(month.index, &binds))") }
        if let from = query.recordedFrom { conditions.append("a.recorded_ms >= \(Self.bind(from.millis, &binds))") }
        if let to = query.recordedTo { conditions.append("a.recorded_ms < \(Self.bind(to.millis, &binds))") }
        let columns = PostgresRecords.columns.map { "e." + $0.name } + AdjustmentRecord.storedColumns.map { "a." + $0 }
        let select = PostgresQuery(
            unsafeSQL: "SELECT \(columns.joined(separator: ", ")) FROM adjustments a JOIN events e ON e.seq = a.adjusts_seq"
                + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY a.seq",
            binds: binds)
        try await session.withLink { link in
            try await link.forEachRow(select, "cannot read adjustments") { row in
                try body(try AdjustmentRecord(stored: row, from: PostgresRecords.columns.count), try LedgerRecord(stored: row))
            }
        }
    }

    /// Ends a reader's snapshot transaction, then closes the connection.
    public func close() async {
        let readOnly = readOnly
        await session.close { link in
            if readOnly { try? await link.run("COMMIT", "cannot end the read-only transaction") }
        }
    }

    /// A statement selecting `columns` of the events `query` matches, in its order.
    private static func select(_ columns: String, _ query: RecordQuery) -> PostgresQuery {
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let month = query.billingMonth {
            conditions.append(billedIn(month, &binds))
        } else {
            if let from = query.from { conditions.append("ts_ms >= \(bind(from.millis, &binds))") }
            if let to = query.to { conditions.append("ts_ms < \(bind(to.millis, &binds))") }
        }
        if let tenantID = query.tenantID {
            binds.append(tenantID)
            conditions.append("tenant_id = $\(binds.count)")
        }
        if let sequences = query.sequences {
            conditions.append("seq BETWEEN \(bind(sequences.lowerBound, &binds)) AND \(bind(sequences.upperBound, &binds))")
        }
        if query.lateOnly { conditions.append("late_billing_month IS NOT NULL") }
        let order = query.order == .sequence ? "seq" : "ts_ms, seq"
        return PostgresQuery(
            unsafeSQL: "SELECT \(columns) FROM events" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY \(order)",
            binds: binds)
    }

    /// The condition of the events billed in `month`: its own that were not late, and the late
    /// events billed into it.
    private static func billedIn(_ month: CivilMonth, _ binds: inout PostgresBindings) -> String {
        let own = "ts_ms >= \(bind(month.startMillis, &binds)) AND ts_ms < \(bind(month.endMillis, &binds)) AND late_billing_month IS NULL"
        return "((\(own)) OR late_billing_month = \(bind(month.index, &binds)))"
    }

    /// Appends `value` to `binds` and returns its placeholder.
    private static func bind(_ value: Int64, _ binds: inout PostgresBindings) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// An error of opening as a ``LedgerError`` (they all are: every step throws one).
    private static func ledgerError(_ error: any Error, _ session: PostgresSession) -> LedgerError {
        error as? LedgerError ?? LedgerError(.storage, "\(session.url.redacted): \(PostgresLink.describe(error))")
    }
}
