import Pricing

/// Compares the rollups that carry money (daily usage, quarter-hour spend) with the events, day by
/// day, while `verify` walks the ledger in sequence order. A daily row is compared whole: its cost,
/// the section 11 sums (the cost and the provider cost of the events that reported one, token
/// kinds, web searches, unknown models) and the older counts. A UTC day is compared, and its sums
/// dropped, as soon as every event its stored rollup counts has been seen, so memory holds only the
/// days still open, not the whole ledger's rollups.
struct RollupCheck {
    private let store: any LedgerStore
    /// Events per UTC day as the stored daily rollup counts them, for the days not compared yet.
    private var expected: [Int64: Int64] = [:]
    /// Days with events seen and not compared yet.
    private var open: [Int64: (seen: Int64, rebuilt: RollupDelta)] = [:]
    /// Days whose events have all been seen, waiting for ``compareCompletedDays()``.
    private var completed: [(day: Int64, rebuilt: RollupDelta)] = []
    /// The first difference found.
    private(set) var mismatch: String?

    private static let kinds: RollupDelta.Kinds = [.daily, .quarterHours]
    private static let quarterHoursPerDay = CivilDate.millisPerDay / RollupDelta.quarterHourMillis

    private init(store: any LedgerStore, expected: [Int64: Int64]) {
        self.store = store
        self.expected = expected
    }

    /// Reads how many events the stored daily rollup counts per day.
    static func load(from store: any LedgerStore) async throws -> RollupCheck {
        var expected: [Int64: Int64] = [:]
        try await store.forEachDailyRollup(days: Int64.min / 4..<Int64.max / 4) { day, _, totals in expected[day, default: 0] += totals.requests }
        return RollupCheck(store: store, expected: expected)
    }

    mutating func add(_ record: LedgerRecord) {
        let day = floorDivide(record.event.timestamp.millis, CivilDate.millisPerDay)
        var entry = open.removeValue(forKey: day) ?? (0, RollupDelta(kinds: Self.kinds))
        entry.seen += 1
        entry.rebuilt.add(record)
        if entry.seen == expected[day] {
            expected[day] = nil
            completed.append((day, entry.rebuilt))
        } else {
            open[day] = entry
        }
    }

    /// Compares the days whose events have all been seen, and drops their sums.
    mutating func compareCompletedDays() async throws {
        let days = completed
        completed = []
        for (day, rebuilt) in days { try await compare(day, rebuilt) }
    }

    /// Compares what is left: days whose events never matched their stored count, and days the
    /// rollup has without any event. The first difference, or nil.
    mutating func finish() async throws -> String? {
        try await compareCompletedDays()
        for day in Set(open.keys).union(expected.keys).sorted() where mismatch == nil {
            try await compare(day, open[day]?.rebuilt ?? RollupDelta(kinds: Self.kinds))
        }
        open = [:]
        return mismatch
    }

    private mutating func compare(_ day: Int64, _ rebuilt: RollupDelta) async throws {
        guard mismatch == nil else { return }
        var stored = RollupDelta(kinds: Self.kinds)
        try await store.forEachDailyRollup(days: day..<day + 1) { day, key, totals in
            stored.daily[RollupDelta.DayKey(day: day, usage: key), default: UsageTotals()].add(totals)
        }
        try await store.forEachQuarterHourRollup(buckets: day * Self.quarterHoursPerDay..<(day + 1) * Self.quarterHoursPerDay) { bucket, key, totals in
            stored.quarterHours[RollupDelta.QuarterHourKey(bucket: bucket, spend: key), default: SpendTotals()].add(totals)
        }
        if let key = Set(stored.daily.keys).union(rebuilt.daily.keys).sorted(by: { $0.usage < $1.usage })
            .first(where: { stored.daily[$0] != rebuilt.daily[$0] })
        {
            mismatch = "rollup_daily for \(CivilDate(daysSinceEpoch: key.day)) tenant \(key.usage.tenantID) \(key.usage.operation) "
                + "does not add up to the events"
        } else if let key = Set(stored.quarterHours.keys).union(rebuilt.quarterHours.keys).sorted(by: { $0.bucket < $1.bucket })
            .first(where: { stored.quarterHours[$0] != rebuilt.quarterHours[$0] })
        {
            mismatch = "rollup_quarter_hour at \(Timestamp(millis: key.bucket * RollupDelta.quarterHourMillis)) tenant \(key.spend.tenantID) "
                + "does not add up to the events"
        }
    }
}
