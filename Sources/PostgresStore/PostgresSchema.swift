import CostLedger
import PostgresNIO

/// The ledger's tables in PostgreSQL: the SQLite layout's tables and column names, with BIGINT
/// integers, BOOLEAN flags, a BYTEA hash and every text column in the "C" collation (so text
/// sorts by its bytes, as SQLite's BINARY does). The daily rollup keys its rows by the nine
/// columns of ``UsageKey`` itself rather than by SQLite's `usage_key` numbering.
///
/// `costledger_schema` holds the version; a writer brings an older one forward with
/// ``migrations`` in one transaction, and a reader never changes it.
enum PostgresSchema {
    /// The version this costledger writes: the number of ``migrations``.
    static var version: Int64 { Int64(migrations.count) }

    /// `migrations[v]` brings a schema of version `v` to `v + 1` (0: an empty database).
    static let migrations: [[String]] = [
        [
            "CREATE TABLE costledger_schema (version BIGINT NOT NULL)",
            "INSERT INTO costledger_schema (version) VALUES (0)",
            events,
            "CREATE INDEX events_by_time ON events (ts_ms, seq)",
            appendOnlyFunction,
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events "
                + "FOR EACH STATEMENT EXECUTE FUNCTION costledger_events_append_only()",
            quotaUsage,
        ] + rollups,
        // Version 2: close and adjustment records, and a late event's billing month (section 14).
        [
            "ALTER TABLE events ADD COLUMN late_billing_month BIGINT",
            "CREATE INDEX events_late ON events (late_billing_month) WHERE late_billing_month IS NOT NULL",
            """
            CREATE TABLE closes (
                seq BIGINT PRIMARY KEY CHECK (seq > 0),
                month BIGINT NOT NULL UNIQUE,
                recorded_ms BIGINT NOT NULL,
                hash BYTEA NOT NULL CHECK (length(hash) = 32)
            )
            """,
            """
            CREATE TABLE adjustments (
                seq BIGINT PRIMARY KEY CHECK (seq > 0),
                adjusts_seq BIGINT NOT NULL,
                cost_delta_nanos BIGINT NOT NULL,
                cost_nanos BIGINT NOT NULL,
                price_ref \(text),
                estimated BOOLEAN NOT NULL,
                free_quota BOOLEAN NOT NULL,
                reason \(text) NOT NULL,
                billing_month BIGINT NOT NULL,
                recorded_ms BIGINT NOT NULL,
                hash BYTEA NOT NULL CHECK (length(hash) = 32)
            )
            """,
            "CREATE INDEX adjustments_by_event ON adjustments (adjusts_seq)",
            "CREATE INDEX adjustments_by_billing_month ON adjustments (billing_month)",
            recordsAppendOnlyFunction,
            "CREATE TRIGGER closes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON closes "
                + "FOR EACH STATEMENT EXECUTE FUNCTION costledger_records_append_only()",
            "CREATE TRIGGER adjustments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON adjustments "
                + "FOR EACH STATEMENT EXECUTE FUNCTION costledger_records_append_only()",
        ],
    ]

    /// The key of the transaction-level advisory lock every write takes: the one serialisation
    /// point of all writers of a database ("costled" in ASCII).
    static let writeLock: Int64 = 0x636F_7374_6C65_64

    /// The text column type.
    private static let text = #"TEXT COLLATE "C""#

    static let events = """
        CREATE TABLE events (
            seq BIGINT PRIMARY KEY CHECK (seq > 0),
            id \(text) NOT NULL UNIQUE,
            ts_ms BIGINT NOT NULL,
            tenant_id \(text) NOT NULL,
            kind \(text) NOT NULL CHECK (kind IN ('llm', 'api')),
            worker \(text) NOT NULL,
            operation \(text) NOT NULL,
            conversation_id \(text),
            provider \(text),
            model \(text),
            input_tokens BIGINT,
            output_tokens BIGINT,
            cached_tokens BIGINT,
            cache_write_tokens BIGINT,
            batch BOOLEAN,
            prompt_fingerprint \(text),
            service \(text),
            units BIGINT,
            request_key \(text),
            status \(text) NOT NULL CHECK (status IN ('success', 'error')),
            cost_nanos BIGINT NOT NULL,
            price_ref \(text),
            estimated BOOLEAN NOT NULL,
            free_quota BOOLEAN NOT NULL,
            hash BYTEA NOT NULL CHECK (length(hash) = 32),
            cache_write_1h_tokens BIGINT,
            input_audio_tokens BIGINT,
            input_image_tokens BIGINT,
            output_audio_tokens BIGINT,
            output_image_tokens BIGINT,
            reasoning_tokens BIGINT,
            web_search_requests BIGINT,
            service_tier \(text) CHECK (service_tier IN ('standard', 'batch', 'flex', 'priority', 'fast')),
            provider_cost_nanos BIGINT CHECK (provider_cost_nanos >= 0)
        )
        """

    /// Refuses any change of stored events (costledger itself only ever inserts).
    static let appendOnlyFunction = """
        CREATE FUNCTION costledger_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the ledger is append-only: events cannot be %',
                CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """

    /// Refuses any change of stored close and adjustment records.
    static let recordsAppendOnlyFunction = """
        CREATE FUNCTION costledger_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the ledger is append-only: % cannot be %', TG_TABLE_NAME,
                CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """

    static let quotaUsage = """
        CREATE TABLE quota_usage (
            service \(text) NOT NULL,
            operation \(text) NOT NULL,
            tenant_id \(text) NOT NULL,
            month \(text) NOT NULL,
            used BIGINT NOT NULL,
            PRIMARY KEY (service, operation, tenant_id, month)
        )
        """

    /// The columns of a ``UsageKey`` in `rollup_daily`, in its primary key after `day`.
    static let usageKeyColumns = ["tenant_id", "kind", "worker", "operation", "provider", "model", "service", "status", "batch"]

    /// The sums of a `rollup_daily` row, in the order of ``UsageTotals/rollupColumns``.
    static let dailySums = [
        "requests", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "units", "cost_nanos", "estimated_requests",
        "unpriced_requests", "free_quota_requests", "fingerprinted_requests", "cache_write_1h_tokens", "input_audio_tokens",
        "input_image_tokens", "output_audio_tokens", "output_image_tokens", "reasoning_tokens", "web_search_requests",
        "unknown_model_requests", "provider_costed_requests", "provider_costed_cost_nanos", "provider_cost_nanos",
    ]

    static let rollups = [
        """
        CREATE TABLE rollup_daily (
            day BIGINT NOT NULL,
            \((usageKeyColumns.map { "\($0) \($0 == "batch" ? "BOOLEAN" : text)" } + dailySums.map { "\($0) BIGINT" })
                .map { "\($0) NOT NULL" }.joined(separator: ",\n    ")),
            PRIMARY KEY (day, \(usageKeyColumns.joined(separator: ", ")))
        )
        """,
        """
        CREATE TABLE rollup_quarter_hour (
            bucket BIGINT NOT NULL,
            tenant_id \(text) NOT NULL,
            kind \(text) NOT NULL,
            source \(text) NOT NULL,
            requests BIGINT NOT NULL,
            cost_nanos BIGINT NOT NULL,
            PRIMARY KEY (bucket, tenant_id, kind, source)
        )
        """,
        """
        CREATE TABLE rollup_conversation (
            bucket BIGINT NOT NULL,
            tenant_id \(text) NOT NULL,
            conversation_id \(text) NOT NULL,
            requests BIGINT NOT NULL,
            cost_nanos BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, conversation_id, bucket)
        )
        """,
        "CREATE INDEX rollup_conversation_by_bucket ON rollup_conversation (bucket)",
        """
        CREATE TABLE conversation_total (
            tenant_id \(text) NOT NULL,
            conversation_id \(text) NOT NULL,
            requests BIGINT NOT NULL,
            cost_nanos BIGINT NOT NULL,
            last_bucket BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, conversation_id)
        )
        """,
        """
        CREATE TABLE rollup_token_histogram (
            day BIGINT NOT NULL,
            provider \(text) NOT NULL,
            model \(text) NOT NULL,
            operation \(text) NOT NULL,
            bucket_index BIGINT NOT NULL,
            requests BIGINT NOT NULL,
            tokens BIGINT NOT NULL,
            PRIMARY KEY (day, provider, model, operation, bucket_index)
        )
        """,
        """
        CREATE TABLE rollup_prompt_cache (
            bucket BIGINT NOT NULL,
            tenant_id \(text) NOT NULL,
            provider \(text) NOT NULL,
            model \(text) NOT NULL,
            fingerprint \(text) NOT NULL,
            requests BIGINT NOT NULL,
            uncached_tokens BIGINT NOT NULL,
            first_ms BIGINT NOT NULL,
            first_uncached_tokens BIGINT NOT NULL,
            PRIMARY KEY (bucket, tenant_id, provider, model, fingerprint)
        )
        """,
        // The optimiser reads only the windows with a repeat: most windows hold one request.
        "CREATE INDEX rollup_prompt_cache_repeats ON rollup_prompt_cache (bucket) WHERE requests >= 2",
        """
        CREATE TABLE rollup_request_key (
            day BIGINT NOT NULL,
            tenant_id \(text) NOT NULL,
            service \(text) NOT NULL,
            operation \(text) NOT NULL,
            request_key \(text) NOT NULL,
            requests BIGINT NOT NULL,
            cost_nanos BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, service, operation, request_key, day)
        )
        """,
    ]
}

extension PostgresSchema {
    /// The schema version the database holds; nil when it holds no costledger tables.
    static func storedVersion(_ link: PostgresLink) async throws(LedgerError) -> Int64? {
        let exists = try await link.firstRow("SELECT to_regclass('costledger_schema') IS NOT NULL", "cannot read the schema version")
        guard try exists?.bool(0) == true else { return nil }
        return try await link.firstRow("SELECT version FROM costledger_schema", "cannot read the schema version")?.int64(0) ?? 0
    }

    /// Throws unless a reader can read a schema of `version` (only this costledger's: a writer migrates an older one).
    static func checkReadable(_ version: Int64, _ url: PostgresURL) throws(LedgerError) {
        guard version <= Self.version else {
            throw LedgerError(.storage, "\(url.redacted): schema version \(version) is newer than this costledger (\(Self.version))")
        }
        guard version == Self.version else {
            throw LedgerError(
                .storage,
                "\(url.redacted): schema version \(version) is older than this costledger's (\(Self.version)); "
                    + "it cannot be read read-only until a command that writes (ingest, serve) migrates it")
        }
    }

    /// Creates the schema, or brings an older one forward, in one transaction under the write
    /// lock (another writer may be doing the same at the same moment).
    static func migrate(_ link: PostgresLink) async throws(LedgerError) {
        try await link.run("BEGIN", "cannot begin the schema migration")
        do throws(LedgerError) {
            var binds = PostgresBindings()
            binds.append(writeLock)
            try await link.run(PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock($1)", binds: binds), "cannot take the ledger's write lock")
            let stored = try await storedVersion(link) ?? 0
            guard stored <= version else {
                throw LedgerError(.storage, "\(link.url.redacted): schema version \(stored) is newer than this costledger (\(version))")
            }
            for step in Int(stored)..<migrations.count {
                for statement in migrations[step] {
                    try await link.run(PostgresQuery(unsafeSQL: statement), "cannot migrate the schema to version \(step + 1)")
                }
            }
            if stored < version {
                var binds = PostgresBindings()
                binds.append(version)
                try await link.run(PostgresQuery(unsafeSQL: "UPDATE costledger_schema SET version = $1", binds: binds), "cannot record the schema version")
            }
            try await link.run("COMMIT", "cannot commit the schema migration")
        } catch {
            await link.rollback()
            throw error
        }
    }
}
