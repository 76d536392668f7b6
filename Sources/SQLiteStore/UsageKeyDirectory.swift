import CostLedger

/// The `usage_key` table in memory: the daily rollup stores each ``UsageKey`` as a small integer,
/// so its rows are short and summing them groups integers rather than nine strings.
///
/// Ids only ever grow and rows are never deleted, so catching up with keys that other
/// connections added is reading the ids above the last one seen.
final class UsageKeyDirectory {
    private var keys: [Int64: UsageKey] = [:]
    private var ids: [UsageKey: Int64] = [:]
    private var lastID: Int64 = 0

    /// Every key loaded, by id.
    var all: [Int64: UsageKey] { keys }

    func id(_ key: UsageKey) -> Int64? { ids[key] }

    /// Records a key stored under `id` (by a committed transaction).
    func add(_ key: UsageKey, id: Int64) {
        keys[id] = key
        ids[key] = id
        lastID = max(lastID, id)
    }

    /// Loads the keys committed since the last load.
    func refresh(_ connection: SQLiteConnection) throws(LedgerError) {
        let s = try connection.prepare(
            "SELECT id, tenant_id, kind, worker, operation, provider, model, service, status, batch FROM usage_key WHERE id > ?1 ORDER BY id")
        s.bind(1, lastID)
        while try s.step() {
            guard let kind = EventKind(rawValue: s.string(2) ?? ""), let status = CallStatus(rawValue: s.string(8) ?? "") else {
                throw LedgerError(.corruptRow, "usage_key \(s.int64(0)) has an unknown kind or status")
            }
            let key = UsageKey(
                tenantID: s.string(1) ?? "", kind: kind, worker: s.string(3) ?? "", operation: s.string(4) ?? "",
                provider: s.string(5) ?? "", model: s.string(6) ?? "", service: s.string(7) ?? "", status: status,
                batch: s.int64(9) != 0)
            add(key, id: s.int64(0))
        }
    }
}
