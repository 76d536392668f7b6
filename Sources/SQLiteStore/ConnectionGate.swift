import Foundation

/// Lets one task at a time use a connection, in the order they asked, without holding a thread
/// while waiting: a write transaction keeps the gate across its awaits.
///
/// `@unchecked Sendable`: `busy` and `waiters` are touched only under `lock`.
final class ConnectionGate: @unchecked Sendable {
    private let lock = NSLock()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` with the gate held.
    func run<Result>(_ body: () async throws -> Result) async throws -> Result {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        let entered = lock.withLock {
            if busy { return false }
            busy = true
            return true
        }
        if entered { return }
        await withCheckedContinuation { continuation in
            lock.lock()
            if busy {
                waiters.append(continuation)
                lock.unlock()
            } else {
                busy = true
                lock.unlock()
                continuation.resume()
            }
        }
    }

    private func leave() {
        lock.lock()
        if waiters.isEmpty {
            busy = false
            lock.unlock()
        } else {
            let next = waiters.removeFirst()
            lock.unlock()
            next.resume()  // the gate passes to `next` still busy
        }
    }
}
