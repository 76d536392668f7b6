import Pricing

/// Sums of the ledger over time ranges, answered from the rollups: whole UTC days from the daily
/// rollup, whole quarter hours from the quarter-hour rollup, and only the ragged edges of a range
/// from the raw events (through the timestamp index). A report over a large ledger therefore costs
/// time proportional to the rollups, not to the events.
///
/// Ranges are half-open, `[from, to)`, in milliseconds; pass `asOf + 1` to include `asOf`.
public struct LedgerAggregates {
    public let store: any LedgerStore
    /// Raw edges already summed: a report asks for the same `as_of` day's edge many times.
    private let rawCache = RawDeltaCache()
    private let dailyCache = DailyRollupCache()

    public init(store: any LedgerStore) {
        self.store = store
    }

    /// The earliest instant any range starts from when it has no lower bound.
    static let beginningOfTime = CivilDate(year: 1, month: 1, day: 1)!.startMillis

    /// Usage by ``UsageKey`` of the events with `from <= timestamp < to` (all since the beginning when `from` is nil).
    public func usage(from: Int64? = nil, to: Int64) async throws -> [UsageKey: UsageTotals] {
        let parts = Self.split(from ?? Self.beginningOfTime, to, unit: CivilDate.millisPerDay)
        var totals = try await dailyCache.usage(days: parts.units, from: store)
        for edge in [parts.head, parts.tail] {
            for (key, value) in try await rawDelta(edge, Self.dayEdge).daily { totals[key.usage, default: UsageTotals()].add(value) }
        }
        return totals
    }

    /// Usage per UTC day (days since the epoch) of the events with `from <= timestamp < to`.
    public func usageByDay(from: Int64, to: Int64) async throws -> [Int64: [UsageKey: UsageTotals]] {
        let parts = Self.split(from, to, unit: CivilDate.millisPerDay)
        var days = try await dailyCache.usageByDay(days: parts.units, from: store)
        for edge in [parts.head, parts.tail] {
            for (key, value) in try await rawDelta(edge, Self.dayEdge).daily { days[key.day, default: [:]][key.usage, default: UsageTotals()].add(value) }
        }
        return days
    }

    /// Per tenant and model, the 5-minute windows in which a prompt fingerprint was sent more than
    /// once, for the events in `[from, to)` (the ragged edge windows from the raw events). Summed
    /// while streaming, so memory holds one entry per model, not one per window.
    public func promptCacheRepeats(from: Int64, to: Int64) async throws -> [PromptCacheModel: PromptCacheRepeats] {
        var repeats: [PromptCacheModel: PromptCacheRepeats] = [:]
        func add(_ key: PromptCacheKey, _ window: PromptCacheTotals) {
            let model = PromptCacheModel(tenantID: key.tenantID, provider: key.provider, model: key.model)
            var entry = repeats[model] ?? PromptCacheRepeats()
            entry.windows += 1
            entry.repeatedTokens += window.uncachedTokens - window.firstUncachedTokens
            entry.firstTokens += window.firstUncachedTokens
            repeats[model] = entry
        }
        let parts = Self.split(from, to, unit: RollupDelta.promptCacheMillis)
        try await store.forEachPromptCacheRollup(buckets: parts.units, minimumRequests: 2) { key, window in add(key, window) }
        for edge in [parts.head, parts.tail] {
            for (key, window) in try await rawDelta(edge, .promptCache).promptCache where window.requests >= 2 { add(key, window) }
        }
        return repeats
    }

    /// Successful API calls with a `request_key` of the events with `from <= timestamp < to`, for
    /// the keys asked at least `minimumRequests` times there.
    public func requestKeys(from: Int64, to: Int64, minimumRequests: Int64 = 1) async throws -> [RequestKeyKey: SpendTotals] {
        var totals: [RequestKeyKey: SpendTotals] = [:]
        let parts = Self.split(from, to, unit: CivilDate.millisPerDay)
        try await store.forEachRequestKeyTotal(days: parts.units, minimumRequests: minimumRequests) { key, value in totals[key] = value }
        var edges: [RequestKeyKey: SpendTotals] = [:]
        for edge in [parts.head, parts.tail] {
            for (key, value) in try await rawDelta(edge, Self.dayEdge).requestKeys { edges[key.key, default: SpendTotals()].add(value) }
        }
        // A key the whole days saw too rarely may still reach the minimum with its edge calls.
        for (key, value) in edges {
            var sum: SpendTotals
            if let whole = totals[key] { sum = whole } else { sum = try await store.requestKeyTotal(key, days: parts.units) }
            sum.add(value)
            totals[key] = sum
        }
        return totals.filter { $0.value.requests >= minimumRequests }
    }

    /// Spend by ``SpendKey`` of the events with `from <= timestamp < to`.
    public func spend(from: Int64, to: Int64) async throws -> [SpendKey: SpendTotals] {
        var totals: [SpendKey: SpendTotals] = [:]
        let days = Self.split(from, to, unit: CivilDate.millisPerDay)
        for (key, value) in try await dailyCache.usage(days: days.units, from: store) {
            totals[SpendKey(key), default: SpendTotals()].add(SpendTotals(requests: value.requests, cost: value.cost))
        }
        for edge in [days.head, days.tail] where !edge.isEmpty {
            let quarters = Self.split(edge.lowerBound, edge.upperBound, unit: RollupDelta.quarterHourMillis)
            try await store.forEachQuarterHourRollup(buckets: quarters.units) { _, key, value in totals[key, default: SpendTotals()].add(value) }
            for raw in [quarters.head, quarters.tail] {
                for (key, value) in try await rawDelta(raw, .quarterHours).quarterHours { totals[key.spend, default: SpendTotals()].add(value) }
            }
        }
        return totals
    }

    /// The LLM cost of every conversation from its events before `to`, and when it was last active.
    public func conversations(to: Int64) async throws -> [ConversationKey: ConversationActivity] {
        var activity: [ConversationKey: ConversationActivity] = [:]
        let cutoff = floorDivide(to, RollupDelta.quarterHourMillis)
        try await store.forEachConversation(before: cutoff) { key, bucket, value in
            activity[key, default: ConversationActivity()].add(value, at: bucket * RollupDelta.quarterHourMillis)
        }
        let tail = Timestamp(millis: cutoff * RollupDelta.quarterHourMillis)
        try await store.forEachRecord(RecordQuery(from: tail, to: Timestamp(millis: to), order: .timestamp)) {
            record in
            guard case .llm = record.event.usage, let conversationID = record.event.conversationID else { return }
            let key = ConversationKey(tenantID: record.event.tenantID, conversationID: conversationID)
            activity[key, default: ConversationActivity()].add(
                SpendTotals(requests: 1, cost: record.pricing.cost), at: record.event.timestamp.millis)
        }
        try await store.forEachAdjustment(AdjustmentQuery(eventFrom: tail, eventTo: Timestamp(millis: to))) { adjustment, event in
            guard case .llm = event.event.usage, let conversationID = event.event.conversationID else { return }
            let key = ConversationKey(tenantID: event.event.tenantID, conversationID: conversationID)
            activity[key, default: ConversationActivity()].add(
                SpendTotals(requests: 0, cost: adjustment.costDelta), at: event.event.timestamp.millis)
        }
        return activity
    }

    /// The tokens-per-request histogram of the LLM requests before `to`: per label set, the count
    /// and token sum of each bucket (not cumulative; the last bucket is +Inf).
    public func tokenHistogram(to: Int64) async throws -> [HistogramKey: [TokenCount]] {
        var histogram: [HistogramKey: [TokenCount]] = [:]
        let empty = [TokenCount](repeating: TokenCount(), count: RollupDelta.tokenBuckets.count + 1)
        let parts = Self.split(Self.beginningOfTime, to, unit: CivilDate.millisPerDay)
        try await store.forEachHistogramRollup(days: parts.units) { _, key, index, value in histogram[key, default: empty][index].add(value) }
        for (key, value) in try await rawDelta(parts.tail, Self.dayEdge).tokenHistogram {
            histogram[key.labels, default: empty][key.bucketIndex].add(value)
        }
        return histogram
    }

    /// What the raw events at the edge of a range of whole days are read for, all at once.
    static let dayEdge: RollupDelta.Kinds = [.daily, .requestKeys, .tokenHistogram]

    /// The `kinds` of rollups of the raw events in `range`.
    private func rawDelta(_ range: Range<Int64>, _ kinds: RollupDelta.Kinds) async throws -> RollupDelta {
        var delta = RollupDelta(kinds: kinds)
        guard !range.isEmpty else { return delta }
        let key = RawDeltaCache.Key(range: range, kinds: kinds)
        if let cached = rawCache.deltas[key] { return cached }
        defer { rawCache.deltas[key] = delta }
        let from = Timestamp(millis: range.lowerBound)
        let to = Timestamp(millis: range.upperBound)
        try await store.forEachRecord(RecordQuery(from: from, to: to, order: .timestamp)) { delta.add($0) }
        // The stored rollups hold the adjustments of their events (section 14.3): so do the edges.
        var billed: [Int64: EventPricing] = [:]
        try await store.forEachAdjustment(AdjustmentQuery(eventFrom: from, eventTo: to)) { adjustment, event in
            delta.add(adjustment, of: event.event, before: billed[event.sequence] ?? event.pricing)
            billed[event.sequence] = adjustment.repriced
        }
        return delta
    }

    /// Splits `[from, to)` into a ragged head, whole units (as unit indices) and a ragged tail.
    static func split(_ from: Int64, _ to: Int64, unit: Int64) -> (head: Range<Int64>, units: Range<Int64>, tail: Range<Int64>) {
        guard from < to else { return (from..<from, 0..<0, from..<from) }
        let first = -floorDivide(-from, unit)
        let last = floorDivide(to, unit)
        guard first < last else { return (from..<to, 0..<0, to..<to) }
        return (from..<(first * unit), first..<last, (last * unit)..<to)
    }
}

/// A conversation's LLM cost so far and its latest activity.
public struct ConversationActivity: Sendable, Hashable {
    public var requests: Int64 = 0
    public var cost: Money = .zero
    /// The latest event's time, or the start of the latest quarter hour with events (quarter hours
    /// divide every time zone's days and months, so "active since a local midnight" stays exact).
    public var lastActive: Int64 = .min

    public init() {}

    mutating func add(_ totals: SpendTotals, at millis: Int64) {
        requests += totals.requests
        cost = cost + totals.cost
        lastActive = max(lastActive, millis)
    }
}

/// The raw-edge sums of one ``LedgerAggregates`` value. The ledger is append-only, but events can
/// still arrive inside a range, so this cache and ``DailyRollupCache`` live only as long as the
/// aggregates (one report), which then sums one consistent view.
private final class RawDeltaCache {
    struct Key: Hashable {
        var range: Range<Int64>
        var kinds: RollupDelta.Kinds
    }

    var deltas: [Key: RollupDelta] = [:]
}
