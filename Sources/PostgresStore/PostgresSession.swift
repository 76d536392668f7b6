import CostLedger
import Logging
import PostgresNIO
import Synchronization

/// A store's one connection, lent to one call at a time in the order they asked (a write
/// transaction keeps it across its awaits), and opened again when it was lost — for a writer
/// only: a reader's snapshot cannot survive its connection.
final class PostgresSession: Sendable {
    let url: PostgresURL
    /// Whether a lost connection is opened again (a writer) or the loss is final (a reader).
    private let reconnects: Bool
    private let state = Mutex(State())

    private struct State {
        var link: PostgresLink?
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var nextID = 1
        var closed = false
    }

    /// Waits before each attempt to connect: the first at once, four retries over one second.
    private static let connectDelays: [Duration] = [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(400)]

    /// Nothing is logged: errors reach the caller as ``LedgerError``s, without the password.
    static let logger = Logger(label: "costledger.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects to `url` (with retries, see ``connectDelays``).
    init(url: PostgresURL, reconnects: Bool) async throws(LedgerError) {
        self.url = url
        self.reconnects = reconnects
        let link = try await connect()
        state.withLock { $0.link = link }
    }

    /// Runs `body` with the connection, once every call that asked before has finished with it.
    func withLink<Result>(_ body: (PostgresLink) async throws -> Result) async throws -> Result {
        await enter()
        defer { leave() }
        return try await body(try await liveLink())
    }

    /// Ends the session: `last` runs on the connection (a reader ends its transaction), which then closes.
    func close(_ last: (PostgresLink) async -> Void = { _ in }) async {
        await enter()
        defer { leave() }
        let link = state.withLock { state in
            state.closed = true
            defer { state.link = nil }
            return state.link
        }
        guard let link else { return }
        if !link.connection.isClosed { await last(link) }
        try? await link.connection.close()
    }

    /// The open connection; for a writer, a new one in place of a lost one.
    private func liveLink() async throws(LedgerError) -> PostgresLink {
        let (current, closed) = state.withLock { ($0.link, $0.closed) }
        guard !closed else { throw LedgerError(.storage, "\(url.redacted): the store is closed") }
        if let current, !current.connection.isClosed { return current }
        guard reconnects else {
            throw LedgerError(.storage, "\(url.redacted): the connection was lost, and a read-only store's snapshot cannot be resumed")
        }
        let link = try await connect()
        state.withLock { $0.link = link }
        return link
    }

    private func connect() async throws(LedgerError) -> PostgresLink {
        let configuration = try url.configuration()
        var failure: (any Error)?
        for delay in Self.connectDelays {
            if delay > .zero { try? await Task.sleep(for: delay) }
            let id = state.withLock { state in
                defer { state.nextID += 1 }
                return state.nextID
            }
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: Self.logger)
                return PostgresLink(connection: connection, url: url)
            } catch {
                failure = error
                if !Self.isTransient(error) { break }
            }
        }
        throw LedgerError(.storage, "\(url.redacted): cannot connect: \(PostgresLink.describe(failure))")
    }

    /// Whether another attempt may connect: not when the server refused the user, the password
    /// or the database, nor when TLS failed (a certificate that does not verify stays so).
    private static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return true }
        if error.underlying is NIOSSLError { return false }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return !(state.hasPrefix("28") || state == "3D000")
        case .sslUnsupported, .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return false
        default:
            return true
        }
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let entered = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if entered { continuation.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()  // the connection passes to `next` still busy
        }
        next?.resume()
    }
}
