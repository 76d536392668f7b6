import Pricing

/// The optimiser's knobs, with the defaults the issue and the seed name.
public struct OptimizerSettings: Sendable, Hashable {
    /// Days of events before `as_of` that the savings are computed from.
    public var windowDays: Int64 = 30
    /// Operations simple enough for a cheaper model.
    public var simpleOperations: Set<String> = ["classification", "extraction"]
    /// Average input tokens at or below which a request counts as small.
    public var smallRequestTokens: Int64 = 2_000
    /// The average input size prompts should aim for.
    public var targetInputTokens: Int64 = 2_000
    /// How far above the target (as a factor, in millionths) an average must be to be reported.
    public var promptExcessFactor = Decimal6(millionths: 1_500_000)
    /// Operations that need no immediate answer, so could use a batch API.
    public var batchOperations: Set<String> = ["classification", "extraction", "summarization"]
    /// Single (non-batch) requests in the window needed before batching is suggested.
    public var minimumBatchRequests: Int64 = 100
    /// Without prompt fingerprints: the cache-hit ratio below which caching is suggested, and the
    /// share of input tokens assumed cacheable (the seed's 0.3).
    public var cacheHitRatioTarget = Decimal6(millionths: 300_000)
    /// Recommendations saving less than this a month are not made.
    public var savingsFloor = Money(nanos: 1_000_000_000)
    /// Savings a month from which a recommendation is high, or medium, priority.
    public var highPriority = Money(nanos: 100_000_000_000)
    public var mediumPriority = Money(nanos: 20_000_000_000)

    public init() {}

    func priority(_ savings: Money) -> Recommendation.Priority {
        savings >= highPriority ? .high : savings >= mediumPriority ? .medium : .low
    }
}
