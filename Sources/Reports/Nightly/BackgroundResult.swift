import Dispatch

/// Work started on a Dispatch thread at once, its result collected later: the report sums
/// budgets and usage on one core while the optimiser reads its window on the other.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once by the work, read only after `done` is signalled.
    private var result: Result<Value, any Error> = .failure(CancellationError())

    init(_ work: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            self.result = Result { try work() }
            self.done.signal()
        }
    }

    /// Waits for the work to finish; its value, or the error it threw.
    func value() throws -> Value {
        done.wait()
        return try result.get()
    }
}
