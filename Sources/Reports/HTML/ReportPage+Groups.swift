import Pricing

extension ReportPage {
    /// Rows of a table merged by some of their columns: counts and the cost summed exactly.
    struct Group {
        var key: [String]
        var counts: [String: Int64] = [:]
        var cost: Money = .zero
        /// How many groups a "rest" row merges.
        var merged = 1

        mutating func add(_ row: ReportTable.NamedRow, counts columns: [String], cost column: String) {
            for column in columns { counts[column, default: 0] += row.count(column) }
            cost = cost + row.money(column)
        }

        mutating func add(_ other: Group) {
            for (column, value) in other.counts { counts[column, default: 0] += value }
            cost = cost + other.cost
            merged += other.merged
        }
    }

    /// `rows` merged by `key`, the largest cost first (then by key), the first `top` of them and
    /// the rest summed into one group (nil when nothing is left over).
    static func grouped(
        _ rows: [ReportTable.NamedRow], by key: (ReportTable.NamedRow) -> [String], counts: [String], cost: String, top: Int
    ) -> (top: [Group], rest: Group?) {
        var groups: [[String]: Group] = [:]
        for row in rows {
            let name = key(row)
            groups[name, default: Group(key: name)].add(row, counts: counts, cost: cost)
        }
        let sorted = groups.values.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.key.lexicographicallyPrecedes($1.key) }
        guard sorted.count > top else { return (sorted, nil) }
        var rest = Group(key: [], merged: 0)
        for group in sorted.dropFirst(top) { rest.add(group) }
        return (Array(sorted.prefix(top)), rest)
    }
}
