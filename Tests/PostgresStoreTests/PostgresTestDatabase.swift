import Foundation
import Testing

/// A database of its own for one test, created in the cluster `$COSTLEDGER_TEST_POSTGRES_URL`
/// names (see `scripts/with-postgres`) and dropped by ``drop()``.
struct PostgresTestDatabase: Sendable {
    /// The maintenance URL; nil when no server was given (the suites are then skipped).
    static let serverURL = ProcessInfo.processInfo.environment["COSTLEDGER_TEST_POSTGRES_URL"]
    static var isAvailable: Bool { serverURL != nil }
    static let skipReason: Comment = "needs COSTLEDGER_TEST_POSTGRES_URL: run under scripts/with-postgres"

    let name: String
    let url: String

    init() throws {
        guard let server = Self.serverURL else { throw PSQLFailure(description: "COSTLEDGER_TEST_POSTGRES_URL is not set") }
        name = "costledger_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)").check()
        url = Self.url(server, database: name)
    }

    /// `server` with its database replaced by `database`.
    static func url(_ server: String, database: String) -> String {
        let query = server.firstIndex(of: "?").map { String(server[$0...]) } ?? ""
        let base = server.prefix { $0 != "?" }
        let authorityStart = base.range(of: "://")?.upperBound ?? base.startIndex
        let path = base[authorityStart...].firstIndex(of: "/") ?? base.endIndex
        return String(base[..<path]) + "/" + database + query
    }

    /// Runs SQL in this database through psql.
    @discardableResult
    func sql(_ statement: String) throws -> String {
        try psql(url, statement).check()
    }

    /// Ends every other session of the database (what a restarted or failed-over server does to them).
    func terminateConnections() throws {
        try sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    }

    func drop() {
        guard let server = Self.serverURL else { return }
        _ = try? psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// What psql printed and how it exited.
struct PSQLResult {
    var status: Int32
    var output: String
    var errors: String

    /// The output, or an error when psql failed.
    @discardableResult
    func check() throws -> String {
        guard status == 0 else { throw PSQLFailure(description: "psql exited \(status): \(errors)") }
        return output
    }
}

struct PSQLFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs one statement with psql (unaligned, tuples only, stopping at the first error).
func psql(_ url: String, _ statement: String) throws -> PSQLResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", statement]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return PSQLResult(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        errors: String(decoding: errorData, as: UTF8.self))
}
