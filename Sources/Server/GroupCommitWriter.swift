import CostLedger
import Foundation
import ServiceLifecycle

/// The one writer of the ledger: concurrent requests queue their batches, and a dedicated thread
/// drains everything queued into one transaction, so many small POSTs share one fsync. A request
/// is answered only after the transaction holding its events has committed.
///
/// `@unchecked Sendable`: the queue is touched only under `condition`'s lock, and `ledger` (with its
/// SQLite connection) only by the writer thread.
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
    private let condition = NSCondition()
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
    public var isHealthy: Bool { condition.withLock { !lastCommitFailed && !stopping } }

    /// Queues a batch and returns its outcomes once they are durably committed.
    /// - Throws: ``Refusal`` when the queue is full or the server is stopping; a storage error.
    public func submit(_ batch: Ledger.Batch) async throws -> [Ledger.AppendOutcome] {
        if batch.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if stopping {
                continuation.resume(throwing: Refusal.shuttingDown)
                return
            }
            // A single batch larger than the queue is still taken when the queue is empty.
            if queuedEvents > 0 && queuedEvents + batch.candidates.count > maxQueuedEvents {
                continuation.resume(throwing: Refusal.queueFull)
                return
            }
            pending.append(Pending(batch: batch, continuation: continuation))
            queuedEvents += batch.candidates.count
            metrics.queueDepth(queuedEvents)
            condition.signal()
        }
    }

    /// Runs the writer thread until graceful shutdown, then commits what is queued and stops.
    public func run() async throws {
        let finished = AsyncStream<Void>.makeStream()
        let thread = Thread { [self] in
            drainUntilStopped()
            finished.continuation.finish()
        }
        thread.name = "costledger-writer"
        thread.start()
        try? await gracefulShutdown()
        condition.withLock {
            stopping = true
            condition.signal()
        }
        for await _ in finished.stream {}
    }

    private func drainUntilStopped() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                return
            }
            let group = pending
            pending = []
            queuedEvents = 0
            metrics.queueDepth(0)
            condition.unlock()

            var batch = Ledger.Batch()
            for item in group { batch.append(contentsOf: item.batch) }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let outcomes = try ledger.append(batch)
                metrics.commit(events: batch.candidates.count, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                condition.withLock { lastCommitFailed = false }
                var offset = 0
                for item in group {
                    let count = item.batch.candidates.count
                    item.continuation.resume(returning: Array(outcomes[offset..<(offset + count)]))
                    offset += count
                }
            } catch {
                condition.withLock { lastCommitFailed = true }
                for item in group { item.continuation.resume(throwing: error) }
            }
        }
    }
}

extension GroupCommitWriter {
    /// ``submit(_:)`` for a request: a full queue or a shutdown is a 503 the client may retry.
    func commit(_ batch: Ledger.Batch) async throws -> [Ledger.AppendOutcome] {
        do {
            return try await submit(batch)
        } catch let refusal as Refusal {
            let reason = refusal == .queueFull ? "the ingest queue is full" : "the server is shutting down"
            throw APIError.serviceUnavailable("\(reason); retry later")
        }
    }
}
