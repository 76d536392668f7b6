/// The token counts of one LLM request, as the pricing rule sees them.
public struct LLMUsage: Sendable, Hashable {
    /// All prompt tokens, cached and cache-written ones included.
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cachedTokens: Int64
    public var cacheWriteTokens: Int64
    public var batch: Bool

    public init(inputTokens: Int64, outputTokens: Int64, cachedTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, batch: Bool = false) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.batch = batch
    }

    /// Prompt tokens neither read from nor written to the cache.
    public var uncachedInputTokens: Int64 { inputTokens - cachedTokens - cacheWriteTokens }
}

/// A priced part of an LLM request.
public enum LLMComponent: String, Sendable, CaseIterable {
    case input
    case cachedInput = "cached_input"
    case cacheWrite = "cache_write"
    case output
}
