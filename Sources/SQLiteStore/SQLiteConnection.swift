import CostLedger
import CSQLite

/// A connection to one SQLite database file. Not thread-safe: one owner uses it at a time.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String

    /// Opens `path`; `readOnly` opens it with `SQLITE_OPEN_READONLY` (never created), and
    /// `immutable` as well tells SQLite that nobody changes the file, so it reads a WAL-mode file
    /// without creating its `-wal` and `-shm` files.
    init(path: String, readOnly: Bool = false, immutable: Bool = false) throws(LedgerError) {
        var db: OpaquePointer?
        var flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_URI
            name = "file:" + Self.uriEscaped(path) + "?immutable=1"
        }
        let status = sqlite3_open_v2(name, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw LedgerError(Self.code(for: status), "cannot open the ledger \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
    }

    /// `path` as the path of a `file:` URI: `%`, `?` and `#` percent-encoded.
    private static func uriEscaped(_ path: String) -> String {
        var out = ""
        for character in path.unicodeScalars {
            switch character {
            case "%": out += "%25"
            case "?": out += "%3f"
            case "#": out += "%23"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The ledger error code of an SQLite result code: a file that is not a database or has a
    /// corrupt page is ``LedgerError/Code/damaged``.
    static func code(for result: Int32) -> LedgerError.Code {
        switch result & 0xFF {
        case SQLITE_NOTADB, SQLITE_CORRUPT: .damaged
        default: .storage
        }
    }

    /// The primary result code of the last failed call.
    var lastResultCode: Int32 { sqlite3_errcode(handle) & 0xFF }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(LedgerError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard status == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw LedgerError(Self.code(for: status), "\(path): \(message)")
        }
    }

    func prepare(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else {
            throw error("cannot prepare statement")
        }
        return SQLiteStatement(statement, connection: self)
    }

    func error(_ context: String) -> LedgerError {
        LedgerError(Self.code(for: sqlite3_errcode(handle)), "\(path): \(context): \(String(cString: sqlite3_errmsg(handle)))")
    }

    /// The value of the first column of the first row, as an integer.
    func integer(_ sql: String) throws(LedgerError) -> Int64 {
        let statement = try prepare(sql)
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }
}

/// A prepared statement; bind parameters by 1-based index, read columns by 0-based index.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    /// SQLite copies bound text at bind time with this destructor value.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int(handle, index, value ? 1 : 0)
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(utf8.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            _ = sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
        }
    }

    /// Advances to the next row; false when done.
    func step() throws(LedgerError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error("statement failed")
        }
    }

    /// Runs a statement without results; returns the result code (`SQLITE_DONE` or an error).
    func run() -> Int32 {
        let status = sqlite3_step(handle)
        sqlite3_reset(handle)
        return status
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column's text in place (empty for NULL), valid until the next step or reset.
    func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

extension SQLiteStatement: StoredEventRow {
    package func integer(_ column: Int) -> Int64 { int64(Int32(column)) }
    package func optionalInteger(_ column: Int) -> Int64? { isNull(Int32(column)) ? nil : int64(Int32(column)) }
    package func flag(_ column: Int) -> Bool { int64(Int32(column)) != 0 }
    package func text(_ column: Int) -> String? { string(Int32(column)) }
    package func bytes(_ column: Int) -> [UInt8] { blob(Int32(column)) }
}
