/// Where a ledger is kept, as `--db` or `$COSTLEDGER_DB` name it.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file: the embedded default.
    case sqlite(path: String)
    /// A PostgreSQL database, by its `postgres://` or `postgresql://` URL (libpq's form).
    case postgres(url: String)

    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL, or another `scheme://…`,
    /// which names no store this build can open; anything else is the path of a SQLite file.
    /// - Throws: ``LedgerError`` `location` for a URL of another scheme (it would otherwise be
    ///   taken for a file in a directory named `scheme:`).
    public init(_ value: String) throws(LedgerError) {
        if let scheme = Self.scheme(of: value) {
            if ["postgres", "postgresql"].contains(scheme.lowercased()) {
                self = .postgres(url: value)
                return
            }
            throw LedgerError(
                .location,
                "--db \(Self.redacted(value)): '\(scheme)://' names no store this build can open; give the path of a SQLite file or a postgres:// URL")
        }
        self = .sqlite(path: value)
    }

    /// The location as a message may name it: the path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.redacted(url)
        }
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

    /// The value without a password, for messages: `user:secret@host` → `user:***@host` (up to
    /// the last `@`, which a password may contain) and `?password=…` → `?password=***`.
    public static func redacted(_ value: String) -> String {
        guard let schemeEnd = value.firstRange(of: "://") else { return value }
        var shown = value
        if let at = value.lastIndex(of: "@"), let colon = value[schemeEnd.upperBound..<at].firstIndex(of: ":") {
            shown = String(value[...colon]) + "***" + String(value[at...])
        }
        guard let mark = shown.firstIndex(of: "?") else { return shown }
        let pairs = shown[shown.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.lowercased().hasPrefix("password=") ? "password=***" : String(pair)
        }
        return String(shown[...mark]) + pairs.joined(separator: "&")
    }
}
