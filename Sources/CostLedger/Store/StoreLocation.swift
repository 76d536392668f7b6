/// Where a ledger is kept, as `--db` or `$COSTLEDGER_DB` name it.
public enum StoreLocation: Sendable, Hashable {
    /// A SQLite file: the embedded default.
    case sqlite(path: String)

    /// Reads a `--db` value: `scheme://…` must name a store this build can open; anything else
    /// is the path of a SQLite file.
    /// - Throws: ``LedgerError`` `location` for a URL of another scheme (it would otherwise be
    ///   taken for a file in a directory named `scheme:`).
    public init(_ value: String) throws(LedgerError) {
        if let scheme = Self.scheme(of: value) {
            throw LedgerError(
                .location,
                "--db \(Self.redacted(value)): '\(scheme)://' names no store this build can open; give the path of a SQLite file")
        }
        self = .sqlite(path: value)
    }

    /// The scheme of a `scheme://…` value (RFC 3986: a letter, then letters, digits, `+`, `-` or `.`).
    private static func scheme(of value: String) -> String? {
        guard let separator = value.firstRange(of: "://") else { return nil }
        let scheme = value[..<separator.lowerBound]
        guard let first = scheme.utf8.first, (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first),
            scheme.utf8.allSatisfy({ byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || "+-.".utf8.contains(byte)
            })
        else { return nil }
        return String(scheme)
    }

    /// The value without a password (`user:secret@host` → `user:***@host`), for messages.
    static func redacted(_ value: String) -> String {
        guard let scheme = value.firstRange(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@"),
            let colon = value[scheme.upperBound..<at].firstIndex(of: ":")
        else { return value }
        return String(value[..<value.index(after: colon)]) + "***" + String(value[at...])
    }
}

extension StoreLocation {
    /// Opens the ledger to write; a missing SQLite file is created (its directory is not).
    public func openWriter(pageCacheMiB: Int = 64) throws(LedgerError) -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(path: path, pageCacheMiB: pageCacheMiB)
        }
    }

    /// Opens the ledger read-only: a reader never takes the writer's lock, and a read-only copy can be read.
    public func openReader() throws(LedgerError) -> any LedgerStore {
        switch self {
        case .sqlite(let path): try SQLiteLedgerStore(readOnlyPath: path)
        }
    }
}
