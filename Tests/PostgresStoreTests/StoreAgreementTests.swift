import CostLedger
import Foundation
import PostgresStore
import Pricing
import SQLiteStore
import TestSupport
import Testing

/// The same events appended to a SQLite file and to a PostgreSQL database give the same answer
/// to every read of the store protocol.
@Suite("PostgreSQL and SQLite agree", .enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct StoreAgreementTests {
    @Test("every read gives the same result on both stores: records, line items, ranges, heads, hashes, every rollup")
    func everyReadAgrees() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let prices = try TestEvents.prices()
        let sqlite = try SQLiteLedgerStore(path: directory.file("ledger.sqlite"))
        let postgres = try await PostgresLedgerStore.openWriter(url: database.url)
        let ledgers = [Ledger(store: sqlite, prices: prices), Ledger(store: postgres, prices: prices)]

        // Batches of 37, then retries: duplicates, id conflicts and repeats inside one batch.
        var events = TestEvents.mixed(400)
        events += TestEvents.promptBurst(12, at: Timestamp(millis: TestEvents.start.millis + 3 * 86_400_000 + 1_234))
        var batches = stride(from: 0, to: events.count, by: 37).map { Array(events[$0..<min(events.count, $0 + 37)]) }
        batches.append(Array(events[10..<20]) + [TestEvents.llm("late-1", at: TestEvents.start)] + Array(events[30..<33]))
        batches.append([
            TestEvents.llm("e0", at: TestEvents.start, input: 1), TestEvents.api("late-2", at: TestEvents.start),
            TestEvents.api("late-2", at: TestEvents.start), TestEvents.api("late-3", at: TestEvents.start, status: "error"),
        ])
        batches.append(TestEvents.promptBurst(3, at: TestEvents.start) + TestEvents.mixed(5, prefix: "tail-"))
        var kinds: Set<String> = []
        for batch in batches {
            let parsed = try batch.map { try TestEvents.decoder.decode($0) }
            var outcomes: [[Ledger.AppendOutcome]] = []
            for ledger in ledgers { outcomes.append(try await ledger.append(parsed.map { ledger.candidate($0) })) }
            #expect(outcomes[0] == outcomes[1])
            for outcome in outcomes[0] { kinds.insert(String(describing: outcome).prefix { $0 != "(" }.description) }
        }
        #expect(kinds == ["accepted", "duplicate", "conflict"])

        let expected = try await Self.reads(of: sqlite)
        // Every read has something to compare.
        for read in [
            "records all", "line items tenant range by time", "daily part", "histogram all", "request keys all 2", "request key totals part 1",
            "quarter hours part", "conversations before 300", "prompt cache all 2", "prompt cache part 1",
        ] {
            #expect(expected[read]?.isEmpty == false, "\(read) is empty")
        }
        #expect(expected["records all"]?.count ?? 0 > 400)
        let reader = try await PostgresLedgerStore.openReader(url: database.url)
        for (name, store) in [("writer", postgres), ("reader", reader)] {
            let actual = try await Self.reads(of: store)
            #expect(actual.keys.sorted() == expected.keys.sorted())
            for (read, rows) in expected.sorted(by: { $0.key < $1.key }) {
                #expect(actual[read] == rows, "\(name): \(read)")
            }
        }

        for (index, ledger) in ledgers.enumerated() {
            let report = try await ledger.verify()
            #expect(report.isSound, "store \(index): \(String(describing: report.failure)) \(report.rollupMismatch ?? "")")
            #expect(report.checked == (try await ledger.store.recordCount()))
        }
        await reader.close()
        await postgres.close()
    }

    /// Every read of `store`, each as lines of text, by name.
    static func reads(of store: any LedgerStore) async throws -> [String: [String]] {
        var reads: [String: [String]] = [:]
        let start = TestEvents.start.millis
        let day = Int64(86_400_000)
        func at(_ offset: Int64) -> Timestamp { Timestamp(millis: start + offset) }
        let queries: [(String, RecordQuery)] = [
            ("all", .all),
            ("by time", RecordQuery(order: .timestamp)),
            ("range", RecordQuery(from: at(day), to: at(3 * day + 5_000))),
            ("range by time", RecordQuery(from: at(day), to: at(3 * day + 5_000), order: .timestamp)),
            ("tenant", RecordQuery(tenantID: "globex")),
            ("tenant range by time", RecordQuery(from: at(2 * day), tenantID: "initech", order: .timestamp)),
            ("sequences", RecordQuery(sequences: 10...50)),
            ("sequences range by time", RecordQuery(from: at(day / 2), sequences: 5...300, order: .timestamp)),
            ("empty range", RecordQuery(from: at(100 * day))),
            ("unknown tenant", RecordQuery(tenantID: "nobody")),
        ]
        for (name, query) in queries {
            var records: [String] = []
            try await store.forEachRecord(query) { records.append(String(describing: $0)) }
            reads["records \(name)"] = records
            var items: [String] = []
            try await store.forEachLineItem(query) { items.append(Self.describe($0)) }
            reads["line items \(name)"] = items
            reads["sequence range \(name)"] = [String(describing: try await store.sequenceRange(query))]
        }
        let count = try await store.recordCount()
        reads["count"] = ["\(count)"]
        var heads: [String] = []
        for offset in [-day, 0, day, 2 * day + 12_345, 4 * day, 50 * day] {
            heads.append(String(describing: try await store.head(asOf: at(offset))))
        }
        heads.append(String(describing: try await store.head(asOf: Timestamp(millis: 0))))
        reads["heads"] = heads
        var hashes: [String] = []
        for sequence in 0...(count + 1) { hashes.append(String(describing: try await store.hash(atSequence: sequence))) }
        reads["hashes"] = hashes

        let firstDay = floorDivide(start, day) - 1
        for (name, days) in [("all", firstDay..<(firstDay + 10)), ("part", (firstDay + 2)..<(firstDay + 4))] {
            var daily: [String] = []
            var lastDay = Int64.min
            var dayOrder = true
            try await store.forEachDailyRollup(days: days) { day, key, totals in
                // The rows of one day come together.
                dayOrder = dayOrder && day >= lastDay
                lastDay = day
                daily.append("\(day) \(key) \(totals.rollupColumns)")
            }
            reads["daily \(name)"] = daily.sorted()
            reads["daily \(name) grouped by day"] = ["\(dayOrder)"]
            var histogram: [String] = []
            try await store.forEachHistogramRollup(days: days) { histogram.append("\($0) \($1) \($2) \($3)") }
            reads["histogram \(name)"] = histogram.sorted()
            for minimum: Int64 in [1, 2, 3] {
                var keys: [RequestKeyKey] = []
                var totals: [String] = []
                try await store.forEachRequestKeyTotal(days: days, minimumRequests: minimum) { key, spend in
                    keys.append(key)
                    totals.append("\(key) \(spend)")
                }
                reads["request keys \(name) \(minimum)"] = totals.sorted()
                var single: [String] = []
                for key in keys + [RequestKeyKey(tenantID: "acme", service: "hunter", operation: "email_finder", requestKey: "none")] {
                    single.append("\(key) \(try await store.requestKeyTotal(key, days: days))")
                }
                reads["request key totals \(name) \(minimum)"] = single.sorted()
            }
        }

        let quarter = RollupDelta.quarterHourMillis
        let firstBucket = floorDivide(start, quarter) - 4
        let buckets = [("all", firstBucket..<(firstBucket + 700)), ("part", (firstBucket + 100)..<(firstBucket + 300))]
        for (name, range) in buckets {
            var spend: [String] = []
            try await store.forEachQuarterHourRollup(buckets: range) { spend.append("\($0) \($1) \($2)") }
            reads["quarter hours \(name)"] = spend.sorted()
        }
        for bucket in [firstBucket, firstBucket + 150, firstBucket + 300, firstBucket + 450, firstBucket + 700, Int64.max] {
            var conversations: [String] = []
            try await store.forEachConversation(before: bucket) { conversations.append("\($0) \($1) \($2)") }
            reads["conversations before \(bucket - firstBucket)"] = conversations.sorted()
        }
        let window = RollupDelta.promptCacheMillis
        let firstWindow = floorDivide(start, window) - 1
        for (name, range) in [("all", firstWindow..<(firstWindow + 2_000)), ("part", (firstWindow + 800)..<(firstWindow + 1_000))] {
            for minimum: Int64 in [1, 2] {
                var windows: [String] = []
                try await store.forEachPromptCacheRollup(buckets: range, minimumRequests: minimum) { windows.append("\($0) \($1)") }
                reads["prompt cache \(name) \(minimum)"] = windows.sorted()
            }
        }
        return reads
    }

    /// Every field of a line item, its text fields as the bytes it holds.
    static func describe(_ item: LineItem) -> String {
        let text = LineItem.TextField.allCases.map { "\($0)=" + String(decoding: item[$0], as: UTF8.self) }.joined(separator: " ")
        return "\(item.sequence) \(item.timestamp) \(item.kind) \(item.status) \(item.tokens) batch=\(item.batch) units=\(item.units) "
            + "cost=\(item.cost.nanos) estimated=\(item.estimated) \(item.moreTokens) web=\(item.webSearchRequests) "
            + "tier=\(item.serviceTier?.rawValue ?? "-") provider=\(item.providerCost?.nanos ?? -1) \(text)"
    }
}
