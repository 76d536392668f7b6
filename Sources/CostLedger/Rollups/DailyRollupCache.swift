/// The daily rollup rows one ``LedgerAggregates`` value has read: a report sums the same days
/// many times (all time, the month to date, each time zone's day and month, the optimiser's
/// window), so each day is read from the store once and summed from memory after that.
///
/// Rows carry the store's usage key numbers, so summing adds into an array slot per key instead
/// of hashing every row's nine-part key.
final class DailyRollupCache {
    /// The store's usage keys, by number.
    private var keys: [Int64: UsageKey] = [:]
    /// The rows of each day read; days without events have no entry.
    private var rows: [Int64: [(key: Int64, totals: UsageTotals)]] = [:]
    /// The days read so far: one span, grown to cover every request.
    private var covered: Range<Int64>?

    /// Usage summed over `days`.
    func usage(days: Range<Int64>, from store: any LedgerStore) throws -> [UsageKey: UsageTotals] {
        try load(days, from: store)
        var sums: [Int64: UsageTotals] = [:]
        for (day, dayRows) in rows where days.contains(day) {
            for row in dayRows { sums[row.key, default: UsageTotals()].add(row.totals) }
        }
        return try Dictionary(uniqueKeysWithValues: sums.map { (try key(of: $0.key), $0.value) })
    }

    /// Usage per day of `days`.
    func usageByDay(days: Range<Int64>, from store: any LedgerStore) throws -> [Int64: [UsageKey: UsageTotals]] {
        try load(days, from: store)
        var byDay: [Int64: [UsageKey: UsageTotals]] = [:]
        for (day, dayRows) in rows where days.contains(day) {
            byDay[day] = try Dictionary(uniqueKeysWithValues: dayRows.map { (try key(of: $0.key), $0.totals) })
        }
        return byDay
    }

    private func key(of number: Int64) throws -> UsageKey {
        guard let key = keys[number] else { throw LedgerError(.corruptRow, "rollup_daily names usage key \(number), which does not exist") }
        return key
    }

    /// Reads the days of `days` not read yet (and any gap between them and the days read before),
    /// then the keys of the rows read.
    private func load(_ days: Range<Int64>, from store: any LedgerStore) throws {
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
        var unknown = false
        for range in missing {
            // The store streams a day's rows together: append to that day's array, looked up once.
            var day = Int64.min
            var dayRows: [(key: Int64, totals: UsageTotals)] = []
            try store.forEachDailyRollup(days: range) { rowDay, key, totals in
                if rowDay != day {
                    if !dayRows.isEmpty { rows[day, default: []] += dayRows }
                    day = rowDay
                    dayRows = []
                }
                dayRows.append((key, totals))
                unknown = unknown || keys[key] == nil
            }
            if !dayRows.isEmpty { rows[day, default: []] += dayRows }
        }
        if unknown { keys = try store.usageKeys() }
    }
}
