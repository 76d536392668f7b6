/// The daily rollup rows one ``LedgerAggregates`` value has read: a report sums the same days
/// many times (all time, the month to date, each time zone's day and month, the optimiser's
/// window), so each day is read from the store once and summed from memory after that.
///
/// Keys are numbered as they are first seen, so summing adds into an array instead of hashing
/// every row's nine-part key.
final class DailyRollupCache {
    private var keys: [UsageKey] = []
    private var numbers: [UsageKey: Int] = [:]
    /// The rows of each day read, by key number; days without events have no entry.
    private var rows: [Int64: [(key: Int, totals: UsageTotals)]] = [:]
    /// The days read so far: one span, grown to cover every request.
    private var covered: Range<Int64>?

    /// Usage summed over `days`.
    func usage(days: Range<Int64>, from store: any LedgerStore) throws -> [UsageKey: UsageTotals] {
        try load(days, from: store)
        var sums = [UsageTotals](repeating: UsageTotals(), count: keys.count)
        var touched = [Bool](repeating: false, count: keys.count)
        for (day, dayRows) in rows where days.contains(day) {
            for row in dayRows {
                sums[row.key].add(row.totals)
                touched[row.key] = true
            }
        }
        var usage: [UsageKey: UsageTotals] = [:]
        for number in keys.indices where touched[number] { usage[keys[number]] = sums[number] }
        return usage
    }

    /// Usage per day of `days`.
    func usageByDay(days: Range<Int64>, from store: any LedgerStore) throws -> [Int64: [UsageKey: UsageTotals]] {
        try load(days, from: store)
        var byDay: [Int64: [UsageKey: UsageTotals]] = [:]
        for (day, dayRows) in rows where days.contains(day) {
            byDay[day] = Dictionary(uniqueKeysWithValues: dayRows.map { (keys[$0.key], $0.totals) })
        }
        return byDay
    }

    /// Reads the days of `days` not read yet (and any gap between them and the days read before).
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
        for range in missing {
            try store.forEachDailyRollup(days: range) { day, key, totals in
                let number = numbers[key] ?? keys.count
                if number == keys.count {
                    keys.append(key)
                    numbers[key] = number
                }
                rows[day, default: []].append((number, totals))
            }
        }
    }
}
