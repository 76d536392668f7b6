import CostLedger
import PostgresStore
import SQLiteStore

// The one place a `--db` value becomes a store: the CLI and the server open every store here.
extension StoreLocation {
    /// Opens the ledger to write: a missing SQLite file is created (its directory is not), a
    /// PostgreSQL database gets the ledger's schema on first use; an older one is migrated.
    public func openWriter(pageCacheMiB: Int = 64) async throws(LedgerError) -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(path: path, pageCacheMiB: pageCacheMiB)
        case .postgres(let url): try await PostgresLedgerStore.openWriter(url: url)
        }
    }

    /// Opens the ledger read-only: a reader never creates, migrates or writes it, and a read-only
    /// copy can be read. A PostgreSQL reader reads one `REPEATABLE READ` snapshot until it is closed.
    public func openReader() async throws(LedgerError) -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(readOnlyPath: path)
        case .postgres(let url): try await PostgresLedgerStore.openReader(url: url)
        }
    }
}
