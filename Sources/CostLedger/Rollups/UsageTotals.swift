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
    /// Section 11's sums, kept out of line and only when they are not all zero, so that the daily
    /// rollup rows a report holds in memory cost no more than before for usage without them.
    private var section11Storage: Section11Storage?

    public init() {}

    /// The sums of section 11 (token kinds, web searches, unknown models, provider costs).
    public var section11: Section11Totals {
        get { section11Storage?.totals ?? Section11Totals() }
        set { section11Storage = newValue == Section11Totals() ? nil : Section11Storage(newValue) }
    }

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
            section11 = Section11Totals(call, pricing: pricing, sign: sign)
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
        guard let theirs = other.section11Storage else { return }
        guard section11Storage != nil else {
            section11Storage = theirs  // shared until one of the two is changed
            return
        }
        if !isKnownUniquelyReferenced(&section11Storage) { section11Storage = Section11Storage(section11) }
        section11Storage?.totals.add(theirs.totals)
        if section11Storage?.totals == Section11Totals() { section11Storage = nil }
    }

    /// The sums as the daily rollup stores them, in the order of ``SQLiteSchema/dailySums``.
    package var rollupColumns: [Int64] {
        let more = section11
        return [
            requests, inputTokens, outputTokens, cachedTokens, cacheWriteTokens, units, cost.nanos, estimatedRequests, unpricedRequests,
            freeQuotaRequests, fingerprintedRequests, more.cacheWrite1hTokens, more.inputAudioTokens, more.inputImageTokens,
            more.outputAudioTokens, more.outputImageTokens, more.reasoningTokens, more.webSearchRequests, more.unknownModelRequests,
            more.providerCostedRequests, more.providerCostedCost.nanos, more.providerCost.nanos,
        ]
    }

    /// The totals of a daily rollup row whose ``SQLiteSchema/dailySums`` columns `column(i)` reads.
    package init(rollupColumn column: (Int32) -> Int64) {
        requests = column(0)
        inputTokens = column(1)
        outputTokens = column(2)
        cachedTokens = column(3)
        cacheWriteTokens = column(4)
        units = column(5)
        cost = Money(nanos: column(6))
        estimatedRequests = column(7)
        unpricedRequests = column(8)
        freeQuotaRequests = column(9)
        fingerprintedRequests = column(10)
        var more = Section11Totals()
        more.cacheWrite1hTokens = column(11)
        more.inputAudioTokens = column(12)
        more.inputImageTokens = column(13)
        more.outputAudioTokens = column(14)
        more.outputImageTokens = column(15)
        more.reasoningTokens = column(16)
        more.webSearchRequests = column(17)
        more.unknownModelRequests = column(18)
        more.providerCostedRequests = column(19)
        more.providerCostedCost = Money(nanos: column(20))
        more.providerCost = Money(nanos: column(21))
        section11 = more
    }
}

/// What the LLM events of a group add up to in the figures section 11 adds.
public struct Section11Totals: Sendable, Hashable {
    /// The parts of the token counts that section 11.1 adds (each already inside
    /// ``UsageTotals/inputTokens`` or ``UsageTotals/outputTokens``), and the web searches made.
    public var cacheWrite1hTokens: Int64 = 0
    public var inputAudioTokens: Int64 = 0
    public var inputImageTokens: Int64 = 0
    public var outputAudioTokens: Int64 = 0
    public var outputImageTokens: Int64 = 0
    public var reasoningTokens: Int64 = 0
    public var webSearchRequests: Int64 = 0
    /// Events priced for a model no price row knows (see ``EventPricing/pricedForUnknownModel(provider:)``).
    public var unknownModelRequests: Int64 = 0
    /// Events that carried `provider_cost_usd`, for reconciliation: how many, the cost the ledger
    /// stored for them and the sum of what their providers reported.
    public var providerCostedRequests: Int64 = 0
    public var providerCostedCost: Money = .zero
    public var providerCost: Money = .zero

    public init() {}

    /// The figures of one LLM request priced as `pricing`, negated when `sign` is -1.
    public init(_ call: LLMCall, pricing: EventPricing, sign: Int64 = 1) {
        let tokens = call.tokens
        cacheWrite1hTokens = tokens.cacheWrite1hTokens * sign
        inputAudioTokens = tokens.inputAudioTokens * sign
        inputImageTokens = tokens.inputImageTokens * sign
        outputAudioTokens = tokens.outputAudioTokens * sign
        outputImageTokens = tokens.outputImageTokens * sign
        reasoningTokens = tokens.reasoningTokens * sign
        webSearchRequests = tokens.webSearchRequests * sign
        unknownModelRequests = pricing.pricedForUnknownModel(provider: call.provider) ? sign : 0
        if let reported = call.providerCost {
            providerCostedRequests = sign
            providerCostedCost = Money(nanos: pricing.cost.nanos * sign)
            providerCost = Money(nanos: reported.nanos * sign)
        }
    }

    public mutating func add(_ other: Section11Totals) {
        cacheWrite1hTokens += other.cacheWrite1hTokens
        inputAudioTokens += other.inputAudioTokens
        inputImageTokens += other.inputImageTokens
        outputAudioTokens += other.outputAudioTokens
        outputImageTokens += other.outputImageTokens
        reasoningTokens += other.reasoningTokens
        webSearchRequests += other.webSearchRequests
        unknownModelRequests += other.unknownModelRequests
        providerCostedRequests += other.providerCostedRequests
        providerCostedCost = providerCostedCost + other.providerCostedCost
        providerCost = providerCost + other.providerCost
    }
}

/// The copy-on-write storage of ``UsageTotals/section11``.
///
/// `@unchecked Sendable`: ``totals`` is written only through a reference that
/// `isKnownUniquelyReferenced` has just proved to be the only one (``UsageTotals/add(_:)``), so
/// storage that another value, on any thread, can see is never written.
private final class Section11Storage: @unchecked Sendable, Hashable {
    var totals: Section11Totals

    init(_ totals: Section11Totals) {
        self.totals = totals
    }

    static func == (a: Section11Storage, b: Section11Storage) -> Bool { a.totals == b.totals }

    func hash(into hasher: inout Hasher) { hasher.combine(totals) }
}

extension EventPricing {
    /// Whether an LLM event of `provider` was priced for a model the price tables do not know:
    /// by a `provider,*` or `*,*` row (its reference is `provider/*@…` or `*/*@…`, with `/tier`
    /// when a tier row of the fallback applied), by no row at all (a pricing without `*,*`), or by
    /// the provider's own reported cost, which section 11.3 uses only for such a model (reference
    /// `provider`). The last is not estimated, but its model is still unknown to the tables, so it
    /// counts too. (Before section 11 an LLM event was estimated exactly when this holds.)
    public func pricedForUnknownModel(provider: String) -> Bool {
        guard let reference = priceReference?.utf8 else { return true }
        func fallback(of owner: String.UTF8View) -> Bool {
            reference.starts(with: owner) && reference.dropFirst(owner.count).starts(with: "/*@".utf8)
        }
        return reference.elementsEqual(EventPricer.providerReference.utf8) || fallback(of: provider.utf8) || fallback(of: "*".utf8)
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
