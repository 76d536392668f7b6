import Pricing

/// Rollups of a set of records, kept in memory: what one write transaction adds to the stored
/// rollups, and what the raw events at the edges of a queried time range add up to. One piece of
/// code builds both, so the two can never disagree.
public struct RollupDelta: Sendable {
    /// The length of the fine-grained spend buckets: every IANA time zone's midnight falls on one.
    public static let quarterHourMillis: Int64 = 900_000
    /// Upper bounds of the tokens-per-request histogram (the last bucket is +Inf).
    public static let tokenBuckets: [Int64] = [100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]

    public struct DayKey: Sendable, Hashable {
        public var day: Int64
        public var usage: UsageKey
    }

    public struct QuarterHourKey: Sendable, Hashable {
        public var bucket: Int64
        public var spend: SpendKey
    }

    public struct ConversationBucketKey: Sendable, Hashable {
        public var conversation: ConversationKey
        public var bucket: Int64
    }

    public struct HistogramBucketKey: Sendable, Hashable {
        public var day: Int64
        public var labels: HistogramKey
        /// 0 ..< tokenBuckets.count for the finite buckets, tokenBuckets.count for +Inf.
        public var bucketIndex: Int
    }

    /// Per UTC day (days since the epoch).
    public var daily: [DayKey: UsageTotals] = [:]
    /// Per quarter hour (milliseconds / 900,000).
    public var quarterHours: [QuarterHourKey: SpendTotals] = [:]
    /// LLM cost of each conversation per quarter hour.
    public var conversations: [ConversationBucketKey: SpendTotals] = [:]
    /// LLM requests per UTC day and histogram bucket, with their token sums.
    public var tokenHistogram: [HistogramBucketKey: TokenCount] = [:]
    /// Fingerprinted LLM requests per 5-minute window (see ``addPromptCacheUse(_:)``).
    public var promptCache: [PromptCacheKey: PromptCacheTotals] = [:]
    /// Successful API calls with a `request_key`, per UTC day.
    public var requestKeys: [RequestKeyDayKey: SpendTotals] = [:]

    public struct RequestKeyDayKey: Sendable, Hashable {
        public var day: Int64
        public var key: RequestKeyKey
    }

    /// The rollups a delta keeps; the others stay empty. A range's raw edges need only the
    /// rollups of the unit they are an edge of.
    public struct Kinds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let daily = Kinds(rawValue: 1 << 0)
        public static let quarterHours = Kinds(rawValue: 1 << 1)
        public static let conversations = Kinds(rawValue: 1 << 2)
        public static let tokenHistogram = Kinds(rawValue: 1 << 3)
        public static let promptCache = Kinds(rawValue: 1 << 4)
        public static let requestKeys = Kinds(rawValue: 1 << 5)
        public static let all: Kinds = [.daily, .quarterHours, .conversations, .tokenHistogram, .promptCache, .requestKeys]
    }

    public let kinds: Kinds

    public init(kinds: Kinds = .all) {
        self.kinds = kinds
    }

    /// Adds another delta's entries to this one.
    public mutating func merge(_ other: RollupDelta) {
        daily.merge(other.daily, uniquingKeysWith: sum)
        quarterHours.merge(other.quarterHours, uniquingKeysWith: sum)
        conversations.merge(other.conversations, uniquingKeysWith: sum)
        tokenHistogram.merge(other.tokenHistogram, uniquingKeysWith: sum)
        promptCache.merge(other.promptCache, uniquingKeysWith: sum)
        requestKeys.merge(other.requestKeys, uniquingKeysWith: sum)
    }

    /// Drops the entries that add up to nothing (events added and taken away again), so no
    /// empty rollup row is ever written.
    public mutating func removeZeros() {
        daily = daily.filter { $0.value != UsageTotals() }
        quarterHours = quarterHours.filter { $0.value != SpendTotals() }
        conversations = conversations.filter { $0.value != SpendTotals() }
        tokenHistogram = tokenHistogram.filter { $0.value != TokenCount() }
        requestKeys = requestKeys.filter { $0.value != SpendTotals() }
    }

    /// Adds one stored event.
    public mutating func add(_ record: LedgerRecord) {
        add(record.event, pricing: record.pricing)
        addPromptCacheUse(record.event)
    }

    /// Adds what `adjustment` changes: `event` billed as `before` (its stored pricing or its
    /// previous adjustment's) taken away, and added as the adjustment prices it. Requests and
    /// tokens cancel out; the cost, estimated and free-quota counts move.
    public mutating func add(_ adjustment: AdjustmentRecord, of event: UsageEvent, before: EventPricing) {
        add(event, pricing: before, sign: -1)
        add(event, pricing: adjustment.repriced)
    }

    /// Adds an event priced as `pricing`, or takes it away again when `sign` is -1.
    public mutating func add(_ event: UsageEvent, pricing: EventPricing, sign: Int64 = 1) {
        let millis = event.timestamp.millis
        let day = floorDivide(millis, CivilDate.millisPerDay)
        let bucket = floorDivide(millis, Self.quarterHourMillis)
        let usage = UsageKey(event)
        if kinds.contains(.daily) {
            daily[DayKey(day: day, usage: usage), default: UsageTotals()].add(UsageTotals(event, pricing: pricing, sign: sign))
        }
        let spend = SpendTotals(requests: sign, cost: Money(nanos: pricing.cost.nanos * sign))
        if kinds.contains(.quarterHours) {
            quarterHours[QuarterHourKey(bucket: bucket, spend: SpendKey(usage)), default: SpendTotals()].add(spend)
        }
        if kinds.contains(.requestKeys), case .api(let call) = event.usage, call.status == .success, let requestKey = call.requestKey {
            let key = RequestKeyKey(tenantID: event.tenantID, service: call.service, operation: event.operation, requestKey: requestKey)
            requestKeys[RequestKeyDayKey(day: day, key: key), default: SpendTotals()].add(spend)
        }
        guard case .llm(let call) = event.usage else { return }
        if kinds.contains(.conversations), let conversationID = event.conversationID {
            let key = ConversationBucketKey(conversation: ConversationKey(tenantID: event.tenantID, conversationID: conversationID), bucket: bucket)
            conversations[key, default: SpendTotals()].add(spend)
        }
        if kinds.contains(.tokenHistogram) {
            let tokens = call.tokens.inputTokens + call.tokens.outputTokens
            let index = Self.tokenBuckets.firstIndex { tokens <= $0 } ?? Self.tokenBuckets.count
            let labels = HistogramKey(provider: call.provider, model: call.model, operation: event.operation)
            tokenHistogram[HistogramBucketKey(day: day, labels: labels, bucketIndex: index), default: TokenCount()]
                .add(TokenCount(requests: sign, tokens: tokens * sign))
        }
    }
}

/// Requests and the sum of their tokens (input + output), for the tokens-per-request histogram.
public struct TokenCount: Sendable, Hashable {
    public var requests: Int64 = 0
    public var tokens: Int64 = 0

    public init(requests: Int64 = 0, tokens: Int64 = 0) {
        self.requests = requests
        self.tokens = tokens
    }

    public mutating func add(_ other: TokenCount) {
        requests += other.requests
        tokens += other.tokens
    }
}

/// Totals that add up, so rollups of any kind merge the same way.
protocol Summable {
    mutating func add(_ other: Self)
}

extension UsageTotals: Summable {}
extension SpendTotals: Summable {}
extension TokenCount: Summable {}
extension PromptCacheTotals: Summable {}

private func sum<Totals: Summable>(_ a: Totals, _ b: Totals) -> Totals {
    var total = a
    total.add(b)
    return total
}
