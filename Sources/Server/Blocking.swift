import Dispatch

/// Runs blocking work (SQLite reads) on a Dispatch thread, so it never holds up the event loops
/// or Swift's cooperative pool.
func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}
