/// The daily rollup rows one ``LedgerAggregates`` value has read: a report sums the same days
/// many times (all time, the month to date, each time zone's day and month, the optimiser's
/// window), so each day is read from the store once and summed from memory after that.
final class DailyRollupCache {
    /// The rows of each day read; days without events have no entry.
    private var rows: [Int64: [(key: UsageKey, totals: UsageTotals)]] = [:]
    /// The days read so far: one span, grown to cover every request.
    private var covered: Range<Int64>?

    /// Usage summed over `days`.
    func usage(days: Range<Int64>, from store: any LedgerStore) async throws -> [UsageKey: UsageTotals] {
        try await load(days, from: store)
        var sums: [UsageKey: UsageTotals] = [:]
        for (day, dayRows) in rows where days.contains(day) {
            for row in dayRows { sums[row.key, default: UsageTotals()].add(row.totals) }
        }
        return sums
    }

    /// Usage per day of `days`.
    func usageByDay(days: Range<Int64>, from store: any LedgerStore) async throws -> [Int64: [UsageKey: UsageTotals]] {
        try await load(days, from: store)
        var byDay: [Int64: [UsageKey: UsageTotals]] = [:]
        for (day, dayRows) in rows where days.contains(day) {
            var sums: [UsageKey: UsageTotals] = [:]
            for row in dayRows { sums[row.key, default: UsageTotals()].add(row.totals) }
            byDay[day] = sums
        }
        return byDay
    }

    /// Reads the days of `days` not read yet (and any gap between them and the days read before).
    private func load(_ days: Range<Int64>, from store: any LedgerStore) async throws {
        guard !days.isEmpty else { return }
        var missing = [days]
        if let covered {
            missing = []
            if days.lowerBound < covered.lowerBound { missing.append(days.lowerBound..<covered.lowerBound) }
            if days.upperBound > covered.upperBound { missing.append(covered.upperBound..<days.upperBound) }
            self.covered = min(days.lowerBound, covered.lowerBound)..<max(days.upperBound, covered.upperBound)
        } else {
            covered = days
        }
        guard !missing.isEmpty else { return }
        for range in missing {
            // The store streams a day's rows together: append to that day's array, looked up once.
            var day = Int64.min
            var dayRows: [(key: UsageKey, totals: UsageTotals)] = []
            try await store.forEachDailyRollup(days: range) { rowDay, key, totals in
                if rowDay != day {
                    if !dayRows.isEmpty { rows[day, default: []] += dayRows }
                    day = rowDay
                    dayRows = []
                }
                dayRows.append((key, totals))
            }
            if !dayRows.isEmpty { rows[day, default: []] += dayRows }
        }
    }
}
