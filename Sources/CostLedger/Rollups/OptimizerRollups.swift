import Pricing

/// A prompt fingerprint's use in one 5-minute window: what caching could have saved there.
public struct PromptCacheKey: Sendable, Hashable {
    /// Milliseconds / 300,000: the prompt cache's lifetime.
    public var bucket: Int64
    public var tenantID: String
    public var provider: String
    public var model: String
    public var fingerprint: String

    public init(bucket: Int64, tenantID: String, provider: String, model: String, fingerprint: String) {
        self.bucket = bucket
        self.tenantID = tenantID
        self.provider = provider
        self.model = model
        self.fingerprint = fingerprint
    }
}

/// A tenant's model, as the prompt-cache rollup groups it.
public struct PromptCacheModel: Sendable, Hashable {
    public var tenantID: String
    public var provider: String
    public var model: String

    public init(tenantID: String, provider: String, model: String) {
        self.tenantID = tenantID
        self.provider = provider
        self.model = model
    }

    /// The tenant's model of an LLM usage key.
    public init(_ key: UsageKey) {
        self.init(tenantID: key.tenantID, provider: key.provider, model: key.model)
    }
}

/// A model's windows with repeated fingerprints: the repeats' uncached prompt tokens, and the
/// first uses' (which would pay the cache-write premium).
public struct PromptCacheRepeats: Sendable, Hashable {
    public var windows: Int64 = 0
    public var repeatedTokens: Int64 = 0
    public var firstTokens: Int64 = 0

    public init() {}
}

/// Requests of a fingerprint in a window, their prompt tokens that were neither read from nor
/// written to the cache, and the earliest request's share of those.
public struct PromptCacheTotals: Sendable, Hashable {
    public var requests: Int64 = 0
    public var uncachedTokens: Int64 = 0
    public var firstMillis: Int64 = .max
    public var firstUncachedTokens: Int64 = 0

    public init() {}

    public mutating func add(_ other: PromptCacheTotals) {
        requests += other.requests
        uncachedTokens += other.uncachedTokens
        // The earliest request wins; on a tie, the larger one (a deterministic choice).
        if other.firstMillis < firstMillis || (other.firstMillis == firstMillis && other.firstUncachedTokens > firstUncachedTokens) {
            firstMillis = other.firstMillis
            firstUncachedTokens = other.firstUncachedTokens
        }
    }
}

/// Successful paid-or-free calls asking the same thing (`request_key`) of one API operation.
public struct RequestKeyKey: Sendable, Hashable {
    public var tenantID: String
    public var service: String
    public var operation: String
    public var requestKey: String

    public init(tenantID: String, service: String, operation: String, requestKey: String) {
        self.tenantID = tenantID
        self.service = service
        self.operation = operation
        self.requestKey = requestKey
    }
}

extension RollupDelta {
    /// The length of a prompt-cache window.
    public static let promptCacheMillis: Int64 = 300_000

    /// Adds an accepted LLM event with a prompt fingerprint to the prompt-cache rollup.
    ///
    /// Not part of ``add(_:pricing:sign:)``: "the earliest request" cannot be taken back, so what
    /// reaches the store counts only events the ledger stored (``Ledger/append(_:)`` rebuilds it
    /// when a batch held a duplicate or a conflict).
    public mutating func addPromptCacheUse(_ event: UsageEvent) {
        guard kinds.contains(.promptCache), case .llm(let call) = event.usage, let fingerprint = call.promptFingerprint else { return }
        let key = PromptCacheKey(
            bucket: floorDivide(event.timestamp.millis, Self.promptCacheMillis), tenantID: event.tenantID, provider: call.provider,
            model: call.model, fingerprint: fingerprint)
        var use = PromptCacheTotals()
        use.requests = 1
        use.uncachedTokens = call.tokens.uncachedInputTokens
        use.firstMillis = event.timestamp.millis
        use.firstUncachedTokens = call.tokens.uncachedInputTokens
        promptCache[key, default: PromptCacheTotals()].add(use)
    }
}
