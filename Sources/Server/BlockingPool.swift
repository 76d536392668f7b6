import Foundation

/// A fixed number of threads of its own for blocking work (SQLite reads, formatting exports), so
/// that work never runs on NIO's event loops or Swift's cooperative pool, and one kind of work
/// cannot starve another: the server keeps one pool for the read routes and one for exports.
///
/// Jobs wait in a FIFO queue while every thread is busy. `@unchecked Sendable`: `jobs` is touched
/// only under `condition`'s lock.
final class BlockingPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    /// Starts `threads` threads named `name-1`, `name-2`, …
    init(threads: Int, name: String) {
        for number in 1...max(1, threads) {
            let thread = Thread { [self] in runJobs() }
            thread.name = "\(name)-\(number)"
            thread.start()
        }
    }

    /// Queues `job` for the next free thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Runs `work` with this pool as its task executor: it and its child tasks run on the pool's
    /// threads (a SQLite store's calls block the thread they run on), and its result returns to
    /// the awaiting task.
    func run<Value: Sendable>(_ work: () async throws -> Value) async throws -> Value {
        try await withTaskExecutorPreference(self) { try await work() }
    }

    /// Lets the threads end once the queue is empty (tests that build many servers).
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

extension BlockingPool: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        submit { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
