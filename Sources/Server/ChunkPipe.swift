import Foundation

/// A bounded queue of byte chunks from a producer thread (an export walking the ledger) to the
/// task writing them to the client. The producer blocks while `capacity` chunks wait, which is
/// the stream's backpressure; either side may end it at any time:
///
/// - the consumer goes away (the client disconnected, the task was cancelled, the response was
///   dropped): the producer's next ``put(_:)`` throws ``Ended/cancelled`` and the export stops;
/// - the client reads nothing for `stallTimeout`: ``put(_:)`` throws ``Ended/stalled``;
/// - the producer fails: ``next()`` throws its error, so the response is aborted, never ended
///   cleanly.
///
/// No semaphore: a cancelled stream only sets a flag and wakes whoever waits, so nothing can be
/// freed while it is waited on. `@unchecked Sendable`: all state is guarded by `condition`.
final class ChunkPipe: @unchecked Sendable {
    /// Why the producer must stop.
    enum Ended: Error {
        /// The consumer is gone.
        case cancelled
        /// The consumer took nothing for the stall timeout.
        case stalled
    }

    private let condition = NSCondition()
    private let capacity: Int
    private let stallTimeout: TimeInterval
    private var chunks: [[UInt8]] = []
    private var finished = false
    private var failure: (any Error)?
    private var ended: Ended?
    private var waiting: CheckedContinuation<[UInt8]?, any Error>?

    init(capacity: Int, stallTimeout: TimeInterval) {
        self.capacity = capacity
        self.stallTimeout = stallTimeout
    }

    /// Why the consumer's side ended, or nil while it reads (the producer may skip its work).
    var endReason: Ended? { condition.withLock { ended } }

    // MARK: Producer

    /// Hands a chunk to the consumer, waiting while the queue is full.
    /// - Throws: ``Ended`` when the consumer is gone or stalled.
    func put(_ chunk: [UInt8]) throws(Ended) {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: stallTimeout)
        while chunks.count >= capacity && ended == nil {
            if !condition.wait(until: deadline) && chunks.count >= capacity && ended == nil {
                ended = .stalled
            }
        }
        if let ended {
            condition.unlock()
            throw ended
        }
        if let consumer = waiting {
            waiting = nil
            condition.unlock()
            consumer.resume(returning: chunk)
            return
        }
        chunks.append(chunk)
        condition.unlock()
    }

    /// Ends the stream: cleanly when `error` is nil, else ``next()`` throws it after the chunks
    /// already queued.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        let consumer = chunks.isEmpty ? waiting : nil
        if consumer != nil { waiting = nil }
        condition.unlock()
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    }

    // MARK: Consumer

    /// The next chunk, or nil at the clean end.
    /// - Throws: the producer's error, or `CancellationError` when the task is cancelled.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                condition.lock()
                if ended != nil {
                    condition.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if !chunks.isEmpty {
                    let chunk = chunks.removeFirst()
                    condition.signal()
                    condition.unlock()
                    continuation.resume(returning: chunk)
                } else if finished {
                    let failure = failure
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waiting = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Ends the stream from the consumer's side: the producer stops at its next chunk.
    func cancel() {
        condition.lock()
        if ended == nil { ended = .cancelled }
        let consumer = waiting
        waiting = nil
        condition.broadcast()
        condition.unlock()
        consumer?.resume(throwing: CancellationError())
    }
}
