import CostLedger
import PostgresNIO
import Synchronization

/// A connection as the store uses it: statements whose failures are ``LedgerError``s naming the
/// URL (never its password), and results streamed row by row as the server sends them.
///
/// postgres-nio drops a statement sent on a connection that has closed, and the statement never
/// completes; so every statement in flight here fails as soon as the connection closes.
final class PostgresLink: Sendable {
    let connection: PostgresConnection
    let url: PostgresURL
    private let inFlight = Mutex(InFlight())

    /// The statements waiting for their first answer, failed when the connection closes.
    private struct InFlight {
        var closed = false
        var nextID = 0
        var waiting: [Int: EventLoopPromise<PostgresRowSequence>] = [:]
    }

    /// The connection closed under a statement.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection was lost" }
    }

    init(connection: PostgresConnection, url: PostgresURL) {
        self.connection = connection
        self.url = url
        connection.closeFuture.whenComplete { [weak self] _ in self?.failInFlight() }
    }

    /// A store released without ``LedgerStore/close()`` still closes its connection: in the
    /// background, the connection kept alive until it has (postgres-nio requires it closed first).
    deinit {
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    private func failInFlight() {
        let waiting = inFlight.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return state.waiting
        }
        for promise in waiting.values { promise.fail(ConnectionClosed()) }
    }

    /// Sends `query`; fails at once when the connection has closed, or when it closes before the first answer.
    private func send(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        let connection = connection
        let promise = connection.eventLoop.makePromise(of: PostgresRowSequence.self)
        let id = inFlight.withLock { state -> Int? in
            guard !state.closed, !connection.isClosed else { return nil }
            defer { state.nextID += 1 }
            state.waiting[state.nextID] = promise
            return state.nextID
        }
        guard let id else {
            promise.fail(ConnectionClosed())
            throw ConnectionClosed()
        }
        defer { _ = inFlight.withLock { $0.waiting.removeValue(forKey: id) } }
        promise.completeWithTask { try await connection.query(query, logger: PostgresSession.logger) }
        return try await promise.futureResult.get()
    }

    /// Runs a statement to its end, discarding any rows.
    func run(_ query: PostgresQuery, _ context: @autoclosure () -> String) async throws(LedgerError) {
        do {
            for try await _ in try await send(query) {}
        } catch {
            throw failure(error, context())
        }
    }

    /// Runs a statement and hands each row to `body` while the rows arrive (the row sequence
    /// asks the server for more only as `body` takes them).
    func forEachRow(
        _ query: PostgresQuery, _ context: @autoclosure () -> String, _ body: (PostgresCells) throws -> Void
    ) async throws {
        let rows: PostgresRowSequence
        do {
            rows = try await send(query)
        } catch {
            throw failure(error, context())
        }
        var iterator = rows.makeAsyncIterator()
        while true {
            let row: PostgresRow?
            do {
                row = try await iterator.next()
            } catch {
                throw failure(error, context())
            }
            guard let row else { return }
            try body(PostgresCells(row))
        }
    }

    /// The first row of a statement's result, nil when it has none.
    func firstRow(_ query: PostgresQuery, _ context: @autoclosure () -> String) async throws(LedgerError) -> PostgresCells? {
        var first: PostgresCells?
        do {
            try await forEachRow(query, context()) { row in
                if first == nil { first = row }
            }
        } catch let error as LedgerError {
            throw error
        } catch {
            throw failure(error, context())
        }
        return first
    }

    /// Rolls back the open transaction; a connection that cannot is closed, so that no later
    /// call finds it inside a failed transaction (a writer's next call opens another).
    func rollback() async {
        do {
            try await run("ROLLBACK", "cannot roll back")
        } catch {
            try? await connection.close()
        }
    }

    /// `error` as a storage error: where, what was being done and why.
    func failure(_ error: any Error, _ context: String) -> LedgerError {
        if let error = error as? LedgerError { return error }
        return LedgerError(.storage, "\(url.redacted): \(context): \(Self.describe(error))")
    }

    /// What went wrong, in words that never hold the password: the server's message and
    /// SQLSTATE, or what became of the connection. (`PSQLError`'s own description says nothing.)
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "unknown error" }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return message + (info[.detail].map { " (\($0))" } ?? "") + (info[.sqlState].map { " [SQLSTATE \($0)]" } ?? "")
        }
        switch error.code {
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return "the connection was lost"
        default:
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
    }
}
