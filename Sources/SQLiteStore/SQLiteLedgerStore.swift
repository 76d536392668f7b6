import CSQLite
import CostLedger
import Pricing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded ledger store: one SQLite file in WAL mode with `synchronous=FULL`, so a committed
/// transaction survives a crash or power loss.
///
/// The `events` table is append-only: triggers abort any `UPDATE` or `DELETE`. Each row keeps
/// the normalised event, its cost in nano-USD, the price row, the estimated and free-quota flags,
/// its sequence number and its chain hash.
///
/// `@unchecked Sendable`: the connection and its statements are used only inside ``gate``, one
/// call at a time.
public final class SQLiteLedgerStore: LedgerStore, @unchecked Sendable {
    let connection: SQLiteConnection
    let gate = ConnectionGate()
    /// The write path's statements; nil for a store opened read-only.
    private let statements: Statements?
    /// The columns records and line items are read from: a version 2 file read read-only has
    /// NULL in place of the section 11.1 columns it lacks.
    private let recordColumns: String
    private let lineItemColumns: String
    /// Whether the file has the close and adjustment tables (a version 4 file read read-only has not).
    private let hasSection14Tables: Bool
    let keyDirectory = UsageKeyDirectory()
    /// Read statements that run many times, prepared once.
    private var preparedReads: [String: SQLiteStatement] = [:]

    /// Opens (creating when needed) the ledger at `path`; a ledger written by an older
    /// costledger is migrated first (see ``SQLiteSchema/version``).
    /// - Parameter pageCacheMiB: SQLite's page cache; ingest wants a large one, reports a small one.
    public init(path: String, pageCacheMiB: Int = 64) throws(LedgerError) {
        connection = try SQLiteConnection(path: path)
        try connection.execute(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-\(pageCacheMiB * 1024); PRAGMA temp_store=MEMORY;")
        (recordColumns, lineItemColumns) = Self.columns(fileVersion: SQLiteSchema.version)
        hasSection14Tables = true
        guard try connection.integer("PRAGMA user_version") < SQLiteSchema.version else {
            try Self.checkVersion(connection)
            statements = try Statements(connection: connection)
            return
        }
        // Create or migrate under the write lock; another process may have done it meanwhile.
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let version = try Self.checkVersion(connection)
            if version < SQLiteSchema.version {
                try connection.execute(SQLiteSchema.events)
                try Self.addMissingEventColumns(connection)
                try connection.execute(SQLiteSchema.lateIndex)
            }
            if version < SQLiteSchema.rollupVersion {
                for table in SQLiteSchema.rollupTables { try connection.execute("DROP TABLE IF EXISTS \(table)") }
                try connection.execute(SQLiteSchema.rollups)
            }
            let statements = try Statements(connection: connection)
            self.statements = statements
            let rebuild = version > 0 && version < SQLiteSchema.rollupVersion ? try rebuildRollups(statements) : nil
            try connection.execute("PRAGMA user_version = \(SQLiteSchema.version); COMMIT")
            rebuild?.publishNewUsageKeys()
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Adds the columns of ``SQLiteSchema/addedColumns`` that an older `events` table lacks;
    /// its rows get NULL there (appending a column rewrites no row, so the append-only triggers hold).
    private static func addMissingEventColumns(_ connection: SQLiteConnection) throws(LedgerError) {
        let info = try connection.prepare("SELECT name FROM pragma_table_info('events')")
        var present: Set<String> = []
        while try info.step() { present.insert(info.string(0) ?? "") }
        for column in SQLiteSchema.addedColumns where !present.contains(column.name) {
            try connection.execute("ALTER TABLE events ADD COLUMN \(column.name) \(column.definition)")
        }
    }

    /// The record and line-item column lists of a file of `fileVersion`.
    private static func columns(fileVersion: Int64) -> (records: String, lineItems: String) {
        let lineItems =
            "seq, id, ts_ms, tenant_id, kind, worker, operation, conversation_id, provider, model, service, status, input_tokens, "
            + "output_tokens, cached_tokens, cache_write_tokens, batch, units, cost_nanos, estimated, price_ref, "
            + SQLiteSchema.addedColumnsSelect(fileVersion: fileVersion)
        return (Statements.recordColumns(fileVersion: fileVersion), lineItems)
    }

    /// Opens the ledger at `path` read-only (`SQLITE_OPEN_READONLY`): it is never created,
    /// migrated or written, so a read-only copy (a backup) can be read and verified.
    ///
    /// A WAL-mode file in a directory this process cannot write, with no `-wal` file beside it
    /// (a copy, or a ledger whose last writer closed it), is opened immutable: SQLite cannot create
    /// the `-shm` file it would need, and there is no write-ahead log to read.
    /// A version 2 file (written before section 11.1) is read as it is: its events have none of
    /// the new fields, so they read as their defaults.
    /// - Throws: ``LedgerError`` `damaged` when the file is not a ledger (not a database, a
    ///   corrupt page, no ledger tables); `storage` when it cannot be opened or is of a schema
    ///   version older than ``SQLiteSchema/oldestReadable``, which only a writer migrates.
    public init(readOnlyPath path: String, pageCacheMiB: Int = 16) throws(LedgerError) {
        connection = try Self.openReadOnly(path)
        try connection.execute("PRAGMA cache_size=-\(pageCacheMiB * 1024); PRAGMA temp_store=MEMORY;")
        let version = try Self.checkVersion(connection)
        guard version > 0 else { throw LedgerError(.damaged, "\(path) holds no ledger (no costledger tables)") }
        guard version >= SQLiteSchema.oldestReadable else {
            throw LedgerError(
                .storage,
                "\(path): schema version \(version) is older than this costledger's (\(SQLiteSchema.version)); "
                    + "it cannot be read read-only until a command that writes (ingest, serve) migrates it")
        }
        (recordColumns, lineItemColumns) = Self.columns(fileVersion: version)
        hasSection14Tables = version >= SQLiteSchema.section14Version
        statements = nil
    }

    /// A read-only connection that can read the file (see ``init(readOnlyPath:pageCacheMiB:)``).
    private static func openReadOnly(_ path: String) throws(LedgerError) -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        do {
            _ = try connection.integer("PRAGMA user_version")
            return connection
        } catch {
            // SQLITE_READONLY or SQLITE_CANTOPEN: the -shm file could not be created.
            guard error.code == .storage, [SQLITE_READONLY, SQLITE_CANTOPEN].contains(connection.lastResultCode) else { throw error }
            var status = stat()
            if stat(path + "-wal", &status) == 0 && status.st_size > 0 {
                throw LedgerError(
                    .storage,
                    "cannot read \(path) read-only: its -wal file needs a -shm file that cannot be created in its directory "
                        + "(open it once where it can be written, or copy it with sqlite3's .backup)")
            }
            return try SQLiteConnection(path: path, readOnly: true, immutable: true)
        }
    }

    /// The file's schema version; an error when a newer costledger wrote it.
    @discardableResult
    private static func checkVersion(_ connection: SQLiteConnection) throws(LedgerError) -> Int64 {
        let version = try connection.integer("PRAGMA user_version")
        guard version <= SQLiteSchema.version else {
            throw LedgerError(.storage, "\(connection.path): schema version \(version) is newer than this costledger (\(SQLiteSchema.version))")
        }
        return version
    }

    /// Rebuilds every rollup from the events, in ledger order, inside the open transaction; the
    /// caller publishes the usage keys it stored once that transaction commits.
    private func rebuildRollups(_ statements: Statements) throws(LedgerError) -> SQLiteWriteTransaction {
        let transaction = SQLiteWriteTransaction(statements: statements, keyDirectory: keyDirectory)
        var delta = RollupDelta()
        var pending = 0
        do {
            try forEachRecordInGate(.all) { record in
                delta.add(record)
                pending += 1
                if pending == 100_000 {
                    try transaction.addRollups(delta)
                    delta = RollupDelta()
                    pending = 0
                }
            }
            try transaction.addRollups(delta)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.storage, "\(connection.path): cannot rebuild the rollups: \(error)")
        }
        return transaction
    }

    public func write<Result: Sendable>(_ body: (any LedgerWriteTransaction) async throws -> Result) async throws -> Result {
        guard let statements else { throw LedgerError(.storage, "\(connection.path) is open read-only: it cannot be written") }
        return try await gate.run {
            try connection.execute("BEGIN IMMEDIATE")
            do {
                let transaction = SQLiteWriteTransaction(statements: statements, keyDirectory: keyDirectory)
                let result = try await body(transaction)
                try connection.execute("COMMIT")
                transaction.publishNewUsageKeys()
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func forEachRecord(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) async throws {
        try await gate.run { try forEachRecordInGate(query, body) }
    }

    private func forEachRecordInGate(_ query: RecordQuery, _ body: (LedgerRecord) throws -> Void) throws {
        guard let statement = try select(recordColumns, query) else { return }
        while try statement.step() {
            try body(try LedgerRecord(stored: statement))
        }
    }

    public func forEachLineItem(_ query: RecordQuery, _ body: (LineItem) throws -> Void) async throws {
        try await gate.run {
            guard let s = try select(lineItemColumns, query) else { return }
            var item = LineItem()
            while try s.step() {
                // The table's CHECK constraints allow only these values: the first byte tells them apart.
                item.kind = s.text(4).first == UInt8(ascii: "l") ? .llm : .api
                item.status = s.text(11).first == UInt8(ascii: "s") ? .success : .error
                item.batch = s.int64(16) != 0
                item.sequence = s.int64(0)
                item.timestamp = Timestamp(millis: s.int64(2))
                item.tokens = (s.int64(12), s.int64(13), s.int64(14), s.int64(15))
                item.units = s.int64(17)
                item.cost = Money(nanos: s.int64(18))
                item.estimated = s.int64(19) != 0
                item.moreTokens = (s.int64(21), s.int64(22), s.int64(23), s.int64(24), s.int64(25), s.int64(26))
                item.webSearchRequests = s.int64(27)
                item.serviceTier = item.kind == .api ? nil : Self.serviceTier(s.text(28)) ?? (item.batch ? .batch : .standard)
                item.providerCost = s.isNull(29) ? nil : Money(nanos: s.int64(29))
                item.lateBillingMonth = s.isNull(30) ? nil : CivilMonth(index: s.int64(30))
                item.clearText()
                for column: Int32 in [1, 3, 5, 6, 7, 8, 9, 10, 20] { item.appendText(s.text(column)) }
                try body(item)
            }
        }
    }

    /// The tier a `service_tier` column holds, told apart without a `String` (its CHECK
    /// constraint allows only the tier names); nil for NULL.
    private static func serviceTier(_ text: UnsafeBufferPointer<UInt8>) -> ServiceTier? {
        guard text.count >= 2 else { return nil }
        switch text[0] {
        case UInt8(ascii: "s"): return .standard
        case UInt8(ascii: "b"): return .batch
        case UInt8(ascii: "p"): return .priority
        default: return text[1] == UInt8(ascii: "l") ? .flex : .fast
        }
    }

    public func sequenceRange(_ query: RecordQuery) async throws -> ClosedRange<Int64>? {
        try await gate.run { try sequenceRangeInGate(query) }
    }

    private func sequenceRangeInGate(_ query: RecordQuery) throws(LedgerError) -> ClosedRange<Int64>? {
        if let month = query.billingMonth {
            // The month's own events through the time index, its late events through theirs.
            var own = RecordQuery(from: Timestamp(millis: month.startMillis), to: Timestamp(millis: month.endMillis))
            own.tenantID = nil
            let ranges = [try sequenceRangeInGate(own), try lateSequenceRange(month)].compactMap { $0 }
            guard let low = ranges.map(\.lowerBound).min(), let high = ranges.map(\.upperBound).max() else { return nil }
            return low...high
        }
        var time: [String] = []
        if query.from != nil { time.append("ts_ms >= ?1") }
        if query.to != nil { time.append("ts_ms < ?2") }
        // Through the time index when there is a range: min and max of its entries' rowids.
        let bounds = try connection.prepare(
            "SELECT min(seq), max(seq) FROM events" + (time.isEmpty ? "" : " WHERE " + time.joined(separator: " AND ")))
        bind(query, to: bounds, tenant: false)
        guard try bounds.step(), !bounds.isNull(0) else { return nil }
        return bounds.int64(0)...bounds.int64(1)
    }

    /// The sequence numbers of the late events billed in `month` lie between; nil when there is none.
    private func lateSequenceRange(_ month: CivilMonth) throws(LedgerError) -> ClosedRange<Int64>? {
        guard hasSection14Tables else { return nil }
        let bounds = try connection.prepare("SELECT min(seq), max(seq) FROM events WHERE late_billing_month = ?1")
        bounds.bind(1, month.index)
        guard try bounds.step(), !bounds.isNull(0) else { return nil }
        return bounds.int64(0)...bounds.int64(1)
    }

    /// A statement selecting `columns` of the events `query` matches, in its order; nil when a
    /// time range holds no events.
    private func select(_ columns: String, _ query: RecordQuery) throws(LedgerError) -> SQLiteStatement? {
        // Only the conditions that apply, so SQLite can search the time index instead of walking it.
        var conditions: [String] = []
        var query = query
        var table = "events"
        if query.lateOnly {
            // Late events are few: through their partial index, never a walk of the time index
            // (which SQLite would otherwise pick, to save sorting, and read every event of the range).
            guard hasSection14Tables else { return nil }
            table = "events INDEXED BY events_late"
            conditions.append(query.billingMonth.map { "late_billing_month = \($0.index)" } ?? "late_billing_month IS NOT NULL")
        }
        if let month = query.billingMonth, !query.lateOnly {
            // Its own events that were not late, and the late events billed into it. In timestamp
            // order the late ones (of closed, so earlier, months) come first.
            query.from = Timestamp(millis: month.startMillis)
            query.to = Timestamp(millis: month.endMillis)
            let own = hasSection14Tables ? "ts_ms >= ?1 AND ts_ms < ?2 AND late_billing_month IS NULL" : "ts_ms >= ?1 AND ts_ms < ?2"
            conditions.append(hasSection14Tables ? "((\(own)) OR late_billing_month = \(month.index))" : own)
            if query.order == .sequence, query.sequences == nil {
                guard let sequences = try sequenceRangeInGate(RecordQuery(billingMonth: month)) else { return nil }
                query.sequences = sequences
            }
        } else {
            if query.from != nil { conditions.append("ts_ms >= ?1") }
            if query.to != nil { conditions.append("ts_ms < ?2") }
        }
        if query.tenantID != nil { conditions.append("tenant_id = ?3") }
        var order = "ts_ms, seq"
        if let sequences = query.sequences {
            conditions.append("seq BETWEEN \(sequences.lowerBound) AND \(sequences.upperBound)")
        }
        if query.order == .sequence {
            order = "seq"
            // In ledger order, bound the rowid scan by the sequence numbers the time range holds
            // (found through the index) rather than sorting the range in memory.
            if query.sequences == nil && query.billingMonth == nil && !query.lateOnly && (query.from != nil || query.to != nil) {
                guard let sequences = try sequenceRangeInGate(query) else { return nil }
                conditions.append("seq BETWEEN \(sequences.lowerBound) AND \(sequences.upperBound)")
            }
        }
        let statement = try connection.prepare(
            "SELECT \(columns) FROM \(table)" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY \(order)")
        bind(query, to: statement, tenant: true)
        return statement
    }

    func preparedRead(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        if let statement = preparedReads[sql] { return statement }
        let statement = try connection.prepare(sql)
        preparedReads[sql] = statement
        return statement
    }

    private func bind(_ query: RecordQuery, to statement: SQLiteStatement, tenant: Bool) {
        if let from = query.from { statement.bind(1, from.millis) }
        if let to = query.to { statement.bind(2, to.millis) }
        if tenant, let tenantID = query.tenantID { statement.bind(3, tenantID) }
    }

    public func isWritable() async -> Bool {
        statements != nil && access(connection.path, W_OK) == 0
    }

    /// The file closes when the store is released; nothing else to end.
    public func close() async {}

    public func recordCount() async throws -> Int64 {
        try await gate.run { try connection.integer("SELECT count(*) FROM events") }
    }

    public func head(asOf: Timestamp) async throws -> LedgerHead? {
        try await gate.run {
            // `+ts_ms` keeps SQLite off the time index: walking back from the last row ends at once
            // for a report of the present.
            let statement = try connection.prepare("SELECT seq, hash FROM events WHERE +ts_ms <= ?1 ORDER BY seq DESC LIMIT 1")
            statement.bind(1, asOf.millis)
            guard try statement.step() else { return nil }
            return LedgerHead(sequence: statement.int64(0), hash: ChainHash(bytes: statement.blob(1)))
        }
    }

    public func hash(atSequence sequence: Int64) async throws -> ChainHash? {
        try await gate.run {
            for table in recordTables {
                let statement = try connection.prepare("SELECT hash FROM \(table) WHERE seq = ?1")
                statement.bind(1, sequence)
                if try statement.step() { return ChainHash(bytes: statement.blob(0)) }
            }
            return nil
        }
    }

    /// The tables that hold records of the chain.
    private var recordTables: [String] { hasSection14Tables ? ["events", "closes", "adjustments"] : ["events"] }

    public func lastSequence() async throws -> Int64 {
        try await gate.run {
            try recordTables.map { table throws(LedgerError) in try connection.integer("SELECT coalesce(max(seq), 0) FROM \(table)") }.max() ?? 0
        }
    }

    public func closes() async throws -> [CloseRecord] {
        guard hasSection14Tables else { return [] }
        return try await gate.run {
            let statement = try connection.prepare("SELECT \(CloseRecord.storedColumns.joined(separator: ", ")) FROM closes ORDER BY seq")
            var closes: [CloseRecord] = []
            while try statement.step() { closes.append(try CloseRecord(stored: statement)) }
            return closes
        }
    }

    public func forEachAdjustment(_ query: AdjustmentQuery, _ body: (AdjustmentRecord, LedgerRecord) throws -> Void) async throws {
        guard hasSection14Tables else { return }
        try await gate.run {
            var conditions: [String] = []
            if query.eventFrom != nil { conditions.append("e.ts_ms >= ?1") }
            if query.eventTo != nil { conditions.append("e.ts_ms < ?2") }
            if query.tenantID != nil { conditions.append("e.tenant_id = ?3") }
            if query.billingMonth != nil { conditions.append("a.billing_month = ?4") }
            if query.recordedFrom != nil { conditions.append("a.recorded_ms >= ?5") }
            if query.recordedTo != nil { conditions.append("a.recorded_ms < ?6") }
            if let events = query.eventSequences { conditions.append("a.adjusts_seq BETWEEN \(events.lowerBound) AND \(events.upperBound)") }
            let eventColumns = recordColumns.split(separator: ",").map { "e.\($0.trimmingPrefix(" "))" }.joined(separator: ", ")
            let statement = try connection.prepare(
                "SELECT \(eventColumns), \(AdjustmentRecord.storedColumns.map { "a." + $0 }.joined(separator: ", ")) "
                    + "FROM adjustments a JOIN events e ON e.seq = a.adjusts_seq"
                    + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY a.seq")
            if let from = query.eventFrom { statement.bind(1, from.millis) }
            if let to = query.eventTo { statement.bind(2, to.millis) }
            if let tenantID = query.tenantID { statement.bind(3, tenantID) }
            if let month = query.billingMonth { statement.bind(4, month.index) }
            if let from = query.recordedFrom { statement.bind(5, from.millis) }
            if let to = query.recordedTo { statement.bind(6, to.millis) }
            while try statement.step() {
                let event = try LedgerRecord(stored: statement)
                try body(try AdjustmentRecord(stored: statement, from: LedgerRecord.storedColumns.count), event)
            }
        }
    }
}
