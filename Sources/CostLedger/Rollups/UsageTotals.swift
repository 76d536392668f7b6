import Pricing

/// What a group of events adds up to; the unit of every rollup and report row.
public struct UsageTotals: Sendable, Hashable {
    public var requests: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var cachedTokens: Int64 = 0
    public var cacheWriteTokens: Int64 = 0
    public var units: Int64 = 0
    public var cost: Money = .zero
    /// LLM events priced by a fallback row.
    public var estimatedRequests: Int64 = 0
    /// API calls of an operation without a price row.
    public var unpricedRequests: Int64 = 0
    /// API calls that fell inside a free quota.
    public var freeQuotaRequests: Int64 = 0
    /// LLM requests that carried a `prompt_fingerprint`.
    public var fingerprintedRequests: Int64 = 0

    public init() {}

    /// The totals of one event priced as `pricing`, negated when `sign` is -1.
    public init(_ event: UsageEvent, pricing: EventPricing, sign: Int64 = 1) {
        requests = sign
        cost = Money(nanos: pricing.cost.nanos * sign)
        switch event.usage {
        case .llm(let call):
            inputTokens = call.tokens.inputTokens * sign
            outputTokens = call.tokens.outputTokens * sign
            cachedTokens = call.tokens.cachedTokens * sign
            cacheWriteTokens = call.tokens.cacheWriteTokens * sign
            estimatedRequests = pricing.estimated ? sign : 0
            fingerprintedRequests = call.promptFingerprint == nil ? 0 : sign
        case .api(let call):
            units = call.units * sign
            unpricedRequests = pricing.priceReference == nil ? sign : 0
            freeQuotaRequests = pricing.freeQuota ? sign : 0
        }
    }

    public mutating func add(_ other: UsageTotals) {
        requests += other.requests
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cachedTokens += other.cachedTokens
        cacheWriteTokens += other.cacheWriteTokens
        units += other.units
        cost = cost + other.cost
        estimatedRequests += other.estimatedRequests
        unpricedRequests += other.unpricedRequests
        freeQuotaRequests += other.freeQuotaRequests
        fingerprintedRequests += other.fingerprintedRequests
    }
}

/// The finest grouping the reports need: one row of the daily rollup, less the day.
public struct UsageKey: Sendable, Hashable, Comparable {
    public var tenantID: String
    public var kind: EventKind
    public var worker: String
    public var operation: String
    /// Empty for API calls.
    public var provider: String
    /// Empty for API calls.
    public var model: String
    /// Empty for LLM requests.
    public var service: String
    public var status: CallStatus
    /// Sent through a provider's batch API (LLM only).
    public var batch: Bool

    public init(
        tenantID: String, kind: EventKind, worker: String, operation: String, provider: String, model: String, service: String,
        status: CallStatus, batch: Bool = false
    ) {
        self.tenantID = tenantID
        self.kind = kind
        self.worker = worker
        self.operation = operation
        self.provider = provider
        self.model = model
        self.service = service
        self.status = status
        self.batch = batch
    }

    public init(_ event: UsageEvent) {
        switch event.usage {
        case .llm(let call):
            self.init(
                tenantID: event.tenantID, kind: .llm, worker: event.worker, operation: event.operation, provider: call.provider,
                model: call.model, service: "", status: call.status, batch: call.tokens.batch)
        case .api(let call):
            self.init(
                tenantID: event.tenantID, kind: .api, worker: event.worker, operation: event.operation, provider: "", model: "",
                service: call.service, status: call.status)
        }
    }

    public static func < (a: UsageKey, b: UsageKey) -> Bool {
        a.sortFields.lexicographicallyPrecedes(b.sortFields)
    }

    private var sortFields: [String] {
        [tenantID, kind.rawValue, provider, model, service, operation, worker, status.rawValue, batch ? "1" : "0"]
    }
}

/// Spend by tenant and source (the provider of an LLM request, the service of an API call).
public struct SpendKey: Sendable, Hashable, Comparable {
    public var tenantID: String
    public var kind: EventKind
    public var source: String

    public init(tenantID: String, kind: EventKind, source: String) {
        self.tenantID = tenantID
        self.kind = kind
        self.source = source
    }

    public init(_ key: UsageKey) {
        self.init(tenantID: key.tenantID, kind: key.kind, source: key.kind == .llm ? key.provider : key.service)
    }

    public static func < (a: SpendKey, b: SpendKey) -> Bool {
        (a.tenantID, a.kind.rawValue, a.source) < (b.tenantID, b.kind.rawValue, b.source)
    }
}

/// Requests and cost of a spend group.
public struct SpendTotals: Sendable, Hashable {
    public var requests: Int64 = 0
    public var cost: Money = .zero

    public init(requests: Int64 = 0, cost: Money = .zero) {
        self.requests = requests
        self.cost = cost
    }

    public mutating func add(_ other: SpendTotals) {
        requests += other.requests
        cost = cost + other.cost
    }
}

/// A conversation of a tenant.
public struct ConversationKey: Sendable, Hashable, Comparable {
    public var tenantID: String
    public var conversationID: String

    public init(tenantID: String, conversationID: String) {
        self.tenantID = tenantID
        self.conversationID = conversationID
    }

    public static func < (a: ConversationKey, b: ConversationKey) -> Bool {
        (a.tenantID, a.conversationID) < (b.tenantID, b.conversationID)
    }
}

/// The labels of the tokens-per-request histogram.
public struct HistogramKey: Sendable, Hashable, Comparable {
    public var provider: String
    public var model: String
    public var operation: String

    public init(provider: String, model: String, operation: String) {
        self.provider = provider
        self.model = model
        self.operation = operation
    }

    public static func < (a: HistogramKey, b: HistogramKey) -> Bool {
        (a.provider, a.model, a.operation) < (b.provider, b.model, b.operation)
    }
}
