import CostLedger
import Foundation

/// The stores a parameterised test runs against: SQLite always, PostgreSQL when
/// `$COSTLEDGER_TEST_POSTGRES_URL` names a server (`scripts/with-postgres` starts a throwaway one).
public enum StoreKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The kinds this run tests.
    public static let available: [StoreKind] = postgresServerURL == nil ? [.sqlite] : [.sqlite, .postgres]

    /// The PostgreSQL server the tests may create databases on.
    public static let postgresServerURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["COSTLEDGER_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    public var description: String { rawValue }
}

/// A ledger of its own for one test: a SQLite file in a fresh directory, or a fresh PostgreSQL
/// database on the test server. The directory exists in both cases (for other files of the test).
public struct TestLedger: Sendable {
    public let kind: StoreKind
    public let directory: TemporaryDirectory
    public let location: StoreLocation

    public init(_ kind: StoreKind) throws {
        self.kind = kind
        directory = try TemporaryDirectory()
        switch kind {
        case .sqlite:
            location = .sqlite(path: directory.file("ledger.sqlite"))
        case .postgres:
            guard let server = StoreKind.postgresServerURL else {
                throw ToolError(description: "COSTLEDGER_TEST_POSTGRES_URL is not set: run the tests under scripts/with-postgres")
            }
            let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            _ = try runTool("psql", [server, "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"])
            location = .postgres(url: Self.url(server, database: name))
        }
    }

    /// `server` with its database replaced by `database`.
    static func url(_ server: String, database: String) -> String {
        var base = server
        var query = ""
        if let mark = base.firstIndex(of: "?") {
            query = String(base[mark...])
            base = String(base[..<mark])
        }
        if let slash = base.range(of: "/", options: .backwards), slash.lowerBound > base.index(base.startIndex, offsetBy: 10) {
            base = String(base[..<slash.lowerBound])
        }
        return base + "/" + database + query
    }

    /// The value of `--db` for this ledger.
    public var dbArgument: String {
        switch location {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// Runs one SQL query with the engine's own client (sqlite3, psql) and returns its rows, one
    /// line each, columns separated by `|`.
    public func query(_ sql: String) throws -> String {
        switch location {
        case .sqlite(let path): try runTool("sqlite3", [path, sql])
        case .postgres(let url): try runTool("psql", [url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        }
    }

    /// Removes the directory (a PostgreSQL database goes with the throwaway server).
    public func remove() {
        directory.remove()
    }
}
