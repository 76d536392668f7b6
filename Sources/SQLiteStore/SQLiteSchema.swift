/// The ledger's tables, and how an older ledger file is brought up to date.
///
/// `events` is the ledger; every other table is a rollup of it, written in the same transaction
/// as the events it sums, so a rollup can always be rebuilt from the events.
enum SQLiteSchema {
    /// `PRAGMA user_version` of a ledger this costledger writes.
    ///
    /// 1: the first layout; 2: usage keys in their own table, `fingerprinted_requests` in the
    /// daily rollup, per-conversation totals; 3: the event fields of section 11.1
    /// (``section11Columns``); 4: their sums in the daily rollup (``dailySums``, section 11.5); 5:
    /// close and adjustment records and `events.late_billing_month` (section 14). A writer
    /// migrates an older file: a version 1, 2 or 3 file gets its rollups rebuilt from its events,
    /// a version 1 to 4 file the new event columns first (`ALTER TABLE ADD COLUMN`; its rows keep
    /// NULL there, which reads as the fields' defaults: no event is rewritten).
    static let version: Int64 = 5

    /// The last version that changed the rollups' layout: an older file gets them rebuilt.
    static let rollupVersion: Int64 = 4

    /// The oldest version a read-only connection reads: a version 2 file lacks only
    /// ``section11Columns``, which it reads as NULL (every event stored there predates them), and
    /// the daily rollup's section 11 sums, which its events imply (see ``dailySelect(fileVersion:)``).
    static let oldestReadable: Int64 = 2

    /// The columns of `events` added by version 3, after `hash`, with their definitions (the
    /// same in `CREATE TABLE` and in the migration's `ALTER TABLE`). NULL for API calls; an LLM
    /// request stored by version 3 has every count (0 included) and its tier, and NULL for
    /// `provider_cost_nanos` when no cost was reported. NULL counts read as 0 and a NULL tier as the
    /// one `batch` implies, which is what an event stored before version 3 meant.
    /// The version that added ``section11Columns``.
    static let section11Version: Int64 = 3

    /// The version that added ``closeAndAdjustmentTables`` and ``lateColumn``.
    static let section14Version: Int64 = 5

    /// The columns added to `events` after `hash` as a select list: by name, or NULL for each
    /// in a file older than the version that added it.
    static func addedColumnsSelect(fileVersion: Int64) -> String {
        (section11Columns.map { fileVersion >= section11Version ? $0.name : "NULL" }
            + [fileVersion >= section14Version ? lateColumn.name : "NULL"]).joined(separator: ", ")
    }

    /// The column of `events` added by version 5: a late event's billing month (months since
    /// January of year 0), NULL for every other event.
    static let lateColumn = (name: "late_billing_month", definition: "INTEGER")

    /// The index of late events, made once `events` has ``lateColumn`` (after a migration adds it).
    static let lateIndex = "CREATE INDEX IF NOT EXISTS events_late ON events (late_billing_month) WHERE late_billing_month IS NOT NULL"

    /// Every column added to `events` after `hash`, in ``LedgerRecord/storedColumns`` order.
    static var addedColumns: [(name: String, definition: String)] { section11Columns + [lateColumn] }

    static let section11Columns: [(name: String, definition: String)] = [
        ("cache_write_1h_tokens", "INTEGER"),
        ("input_audio_tokens", "INTEGER"),
        ("input_image_tokens", "INTEGER"),
        ("output_audio_tokens", "INTEGER"),
        ("output_image_tokens", "INTEGER"),
        ("reasoning_tokens", "INTEGER"),
        ("web_search_requests", "INTEGER"),
        ("service_tier", "TEXT CHECK (service_tier IN ('standard', 'batch', 'flex', 'priority', 'fast'))"),
        ("provider_cost_nanos", "INTEGER CHECK (provider_cost_nanos >= 0)"),
    ]

    static let events = """
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            ts_ms INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('llm', 'api')),
            worker TEXT NOT NULL,
            operation TEXT NOT NULL,
            conversation_id TEXT,
            provider TEXT,
            model TEXT,
            input_tokens INTEGER,
            output_tokens INTEGER,
            cached_tokens INTEGER,
            cache_write_tokens INTEGER,
            batch INTEGER,
            prompt_fingerprint TEXT,
            service TEXT,
            units INTEGER,
            request_key TEXT,
            status TEXT NOT NULL CHECK (status IN ('success', 'error')),
            cost_nanos INTEGER NOT NULL,
            price_ref TEXT,
            estimated INTEGER NOT NULL,
            free_quota INTEGER NOT NULL,
            hash BLOB NOT NULL,
            \(addedColumns.map { "\($0.name) \($0.definition)" }.joined(separator: ",\n    "))
        );
        CREATE INDEX IF NOT EXISTS events_by_time ON events (ts_ms);
        CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be updated'); END;
        CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: events cannot be deleted'); END;
        CREATE TABLE IF NOT EXISTS closes (
            seq INTEGER PRIMARY KEY,
            month INTEGER NOT NULL UNIQUE,
            recorded_ms INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS adjustments (
            seq INTEGER PRIMARY KEY,
            adjusts_seq INTEGER NOT NULL,
            cost_delta_nanos INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            price_ref TEXT,
            estimated INTEGER NOT NULL,
            free_quota INTEGER NOT NULL,
            reason TEXT NOT NULL,
            billing_month INTEGER NOT NULL,
            recorded_ms INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS adjustments_by_event ON adjustments (adjusts_seq);
        CREATE INDEX IF NOT EXISTS adjustments_by_billing_month ON adjustments (billing_month);
        \(["closes", "adjustments"].map(appendOnlyTriggers).joined(separator: "\n"))
        CREATE TABLE IF NOT EXISTS quota_usage (
            service TEXT NOT NULL,
            operation TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            month TEXT NOT NULL,
            used INTEGER NOT NULL,
            PRIMARY KEY (service, operation, tenant_id, month)
        ) WITHOUT ROWID;
        """

    /// The triggers that keep `table` append-only.
    private static func appendOnlyTriggers(_ table: String) -> String {
        """
        CREATE TRIGGER IF NOT EXISTS \(table)_append_only_update BEFORE UPDATE ON \(table)
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: \(table) cannot be updated'); END;
        CREATE TRIGGER IF NOT EXISTS \(table)_append_only_delete BEFORE DELETE ON \(table)
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: \(table) cannot be deleted'); END;
        """
    }

    /// The sums of a `rollup_daily` row, after `day` and `key_id`, in the order of
    /// ``UsageTotals/rollupColumns``. Version 4 added those from `cache_write_1h_tokens` on.
    static let dailySums = [
        "requests", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "units", "cost_nanos", "estimated_requests",
        "unpriced_requests", "free_quota_requests", "fingerprinted_requests", "cache_write_1h_tokens", "input_audio_tokens",
        "input_image_tokens", "output_audio_tokens", "output_image_tokens", "reasoning_tokens", "web_search_requests",
        "unknown_model_requests", "provider_costed_requests", "provider_costed_cost_nanos", "provider_cost_nanos",
    ]

    /// The version that added the section 11 sums to the daily rollup.
    static let section11RollupVersion: Int64 = 4

    /// ``dailySums`` as a select list for a file of `fileVersion`; nil when its rollups cannot
    /// give them. A version 2 file's events have none of section 11.1's fields, and an LLM event
    /// was estimated then exactly when a fallback row (or none) priced it, so its section 11 sums
    /// are 0 and its `unknown_model_requests` are its `estimated_requests`. A version 3 file's events may have
    /// them all, which its rollups did not sum: only a writer, rebuilding them, can tell.
    static func dailySelect(fileVersion: Int64) -> String? {
        if fileVersion >= section11RollupVersion { return dailySums.joined(separator: ", ") }
        guard fileVersion < section11Version else { return nil }
        let old = dailySums.prefix { $0 != "cache_write_1h_tokens" }
        return (old + dailySums.dropFirst(old.count).map { $0 == "unknown_model_requests" ? "estimated_requests" : "0" })
            .joined(separator: ", ")
    }

    /// The rollup tables (dropped and rebuilt by a migration).
    static let rollupTables = [
        "usage_key", "rollup_daily", "rollup_quarter_hour", "rollup_conversation", "conversation_total", "rollup_token_histogram",
        "rollup_prompt_cache", "rollup_request_key",
    ]

    static let rollups = """
        CREATE TABLE usage_key (
            id INTEGER PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            worker TEXT NOT NULL,
            operation TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            service TEXT NOT NULL,
            status TEXT NOT NULL,
            batch INTEGER NOT NULL,
            UNIQUE (tenant_id, kind, worker, operation, provider, model, service, status, batch)
        );
        CREATE TABLE rollup_daily (
            day INTEGER NOT NULL,
            key_id INTEGER NOT NULL REFERENCES usage_key (id),
            \(dailySums.map { "\($0) INTEGER NOT NULL" }.joined(separator: ",\n        ")),
            PRIMARY KEY (day, key_id)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_quarter_hour (
            bucket INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            requests INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            PRIMARY KEY (bucket, tenant_id, kind, source)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_conversation (
            bucket INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            requests INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, conversation_id, bucket)
        ) WITHOUT ROWID;
        CREATE INDEX rollup_conversation_by_bucket ON rollup_conversation (bucket);
        CREATE TABLE conversation_total (
            tenant_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            requests INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            last_bucket INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, conversation_id)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_token_histogram (
            day INTEGER NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            operation TEXT NOT NULL,
            bucket_index INTEGER NOT NULL,
            requests INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            PRIMARY KEY (day, provider, model, operation, bucket_index)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_prompt_cache (
            bucket INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            requests INTEGER NOT NULL,
            uncached_tokens INTEGER NOT NULL,
            first_ms INTEGER NOT NULL,
            first_uncached_tokens INTEGER NOT NULL,
            PRIMARY KEY (bucket, tenant_id, provider, model, fingerprint)
        ) WITHOUT ROWID;
        CREATE TABLE rollup_request_key (
            day INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            service TEXT NOT NULL,
            operation TEXT NOT NULL,
            request_key TEXT NOT NULL,
            requests INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, service, operation, request_key, day)
        ) WITHOUT ROWID;
        """
}
