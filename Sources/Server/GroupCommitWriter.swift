import CostLedger
import Foundation
import ServiceLifecycle

/// The one writer of the ledger: concurrent requests queue their batches, and one task, on a
/// thread of its own, drains everything queued into one transaction, so many small POSTs share one
/// commit. A request is answered only after the transaction holding its events has committed.
///
/// `@unchecked Sendable`: the queue is touched only under `lock`, and `ledger` only by the
/// writer task.
public final class GroupCommitWriter: Service, @unchecked Sendable {
    /// Why a batch was not taken.
    public enum Refusal: Error {
        /// The queue holds too many events: retry later (503).
        case queueFull
        /// The server is shutting down (503).
        case shuttingDown
    }

    private struct Pending {
        var batch: Ledger.Batch
        var continuation: CheckedContinuation<[Ledger.AppendOutcome], any Error>
    }

    private let ledger: Ledger
    private let metrics: ServerMetrics
    private let maxQueuedEvents: Int
    private let lock = NSLock()
    /// The writer task, while it waits for work.
    private var waiter: CheckedContinuation<Void, Never>?
    private var pending: [Pending] = []
    private var queuedEvents = 0
    private var stopping = false
    private var lastCommitFailed = false

    public init(ledger: Ledger, metrics: ServerMetrics, maxQueuedEvents: Int) {
        self.ledger = ledger
        self.metrics = metrics
        self.maxQueuedEvents = maxQueuedEvents
    }

    /// Whether the last transaction committed (readiness).
    public var isHealthy: Bool { lock.withLock { !lastCommitFailed && !stopping } }

    /// Queues a batch and returns its outcomes once they are durably committed.
    /// - Throws: ``Refusal`` when the queue is full or the server is stopping; a storage error.
    public func submit(_ batch: Ledger.Batch) async throws -> [Ledger.AppendOutcome] {
        if batch.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if stopping {
                lock.unlock()
                continuation.resume(throwing: Refusal.shuttingDown)
                return
            }
            // A single batch larger than the queue is still taken when the queue is empty.
            if queuedEvents > 0 && queuedEvents + batch.candidates.count > maxQueuedEvents {
                lock.unlock()
                continuation.resume(throwing: Refusal.queueFull)
                return
            }
            pending.append(Pending(batch: batch, continuation: continuation))
            queuedEvents += batch.candidates.count
            metrics.queueDepth(queuedEvents)
            let writer = waiter
            waiter = nil
            lock.unlock()
            writer?.resume()
        }
    }

    /// Runs the writer task until graceful shutdown, then commits what is queued, closes the
    /// store and stops. The
    /// task runs on a thread of its own, so a blocking store (SQLite's commits) never holds one of
    /// the threads that serve requests.
    public func run() async throws {
        let thread = BlockingPool(threads: 1, name: "costledger-writer")
        defer { thread.stop() }
        try await withTaskExecutorPreference(thread) {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.drainUntilStopped() }
                try? await gracefulShutdown()
                let writer = lock.withLock {
                    stopping = true
                    defer { waiter = nil }
                    return waiter
                }
                writer?.resume()
            }
        }
        await ledger.store.close()
    }

    /// The batches queued since the last call, waiting for one; nil once stopping and empty.
    private func nextGroup() async -> [Pending]? {
        enum Next {
            case group([Pending])
            case stop
            case wait
        }
        while true {
            let next: Next = lock.withLock {
                if !pending.isEmpty {
                    defer {
                        pending = []
                        queuedEvents = 0
                        metrics.queueDepth(0)
                    }
                    return .group(pending)
                }
                return stopping ? .stop : .wait
            }
            switch next {
            case .group(let group): return group
            case .stop: return nil
            case .wait:
                await withCheckedContinuation { continuation in
                    let ready = lock.withLock {
                        if pending.isEmpty && !stopping {
                            waiter = continuation
                            return false
                        }
                        return true
                    }
                    if ready { continuation.resume() }
                }
            }
        }
    }

    private func drainUntilStopped() async {
        while let group = await nextGroup() {
            var batch = Ledger.Batch()
            for item in group { batch.append(contentsOf: item.batch) }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let outcomes = try await ledger.append(batch)
                metrics.commit(events: batch.candidates.count, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                lock.withLock { lastCommitFailed = false }
                var offset = 0
                for item in group {
                    let count = item.batch.candidates.count
                    item.continuation.resume(returning: Array(outcomes[offset..<(offset + count)]))
                    offset += count
                }
            } catch {
                lock.withLock { lastCommitFailed = true }
                for item in group { item.continuation.resume(throwing: error) }
            }
        }
    }
}

extension GroupCommitWriter {
    /// ``submit(_:)`` for a request: a full queue, a shutdown or a ledger that cannot be written
    /// now (a lost database connection, a full disk) is a 503 the client may retry; nothing of
    /// the request was stored.
    func commit(_ batch: Ledger.Batch) async throws -> [Ledger.AppendOutcome] {
        do {
            return try await submit(batch)
        } catch let refusal as Refusal {
            let reason = refusal == .queueFull ? "the ingest queue is full" : "the server is shutting down"
            throw APIError.serviceUnavailable("\(reason); retry later")
        } catch let error as LedgerError where error.code == .storage {
            throw APIError.serviceUnavailable("the ledger cannot be written now; nothing was stored, retry later")
        }
    }
}
