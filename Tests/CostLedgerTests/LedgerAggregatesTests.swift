import CostLedger
import Foundation
import Pricing
import TestSupport
import Testing

// `LedgerAggregates` answers from stored rollups of whole days, quarter hours and 5-minute
// windows, the ragged edges from raw events, and (for conversations) all-time totals less what
// came after the cut. These tests compare every answer with a brute-force sum of the raw events
// of the same range, for cuts at random instants and on every boundary kind.

@Suite("Ledger aggregates equal brute-force sums of the raw events")
struct LedgerAggregatesTests {
    /// 2026-11-09T00:00:00Z: the events span three UTC days from here.
    static let start = CivilDate(iso: "2026-11-09")!.startMillis

    /// A ledger of 1,500 events over three days, appended in several transactions.
    static func ledger(_ kind: StoreKind) async throws -> (LedgerFixture, [LedgerRecord]) {
        let fixture = try await LedgerFixture(kind)
        var rng = SplitMix64(seed: 0xA66E_6A7E)
        var lines: [String] = []
        for index in 0..<1_500 {
            let millis = start + Int64(rng.next() % UInt64(3 * CivilDate.millisPerDay))
            let time = Timestamp(millis: millis).description
            let tenant = ["acme", "beta"][Int(rng.next() % 2)]
            if rng.next() % 3 == 0 {
                let key = rng.next() % 4 == 0 ? "" : #","request_key":"k\#(rng.next() % 6)""#
                let status = rng.next() % 8 == 0 ? "error" : "success"
                lines.append(
                    #"{"id":"e\#(index)","kind":"api","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"enrich","operation":"email_finder","service":"hunter","status":"\#(status)"\#(key)}"#)
            } else {
                let conversation = rng.next() % 3 == 0 ? "" : #","conversation_id":"c\#(rng.next() % 7)""#
                // Few fingerprints and many events in few days: windows repeat.
                let fingerprint = rng.next() % 2 == 0 ? "" : #","prompt_fingerprint":"f\#(rng.next() % 2)""#
                let model = ["gpt-4o", "mystery-1"][Int(rng.next() % 2)]
                let input = 100 + rng.next() % 5_000
                let cached = rng.next() % 3 == 0 ? input / 2 : 0
                lines.append(
                    #"{"id":"e\#(index)","kind":"llm","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"agent","operation":"chat","provider":"openai","model":"\#(model)","input_tokens":\#(input),"output_tokens":\#(rng.next() % 900),"cached_tokens":\#(cached)\#(conversation)\#(fingerprint)}"#)
            }
        }
        for chunk in stride(from: 0, to: lines.count, by: 400) {
            try await fixture.append(Array(lines[chunk..<min(chunk + 400, lines.count)]))
        }
        return (fixture, try await fixture.records())
    }

    /// Cut instants: random ones and ones on day, quarter-hour and 5-minute boundaries.
    static func cuts() -> [Int64] {
        var rng = SplitMix64(seed: 0xC075)
        var cuts: [Int64] = [start, start + CivilDate.millisPerDay, start + 2 * CivilDate.millisPerDay + 900_000, start + 300_000 * 301]
        for _ in 0..<12 { cuts.append(start - CivilDate.millisPerDay + Int64(rng.next() % UInt64(5 * CivilDate.millisPerDay))) }
        return cuts
    }

    static func brute(_ records: [LedgerRecord], from: Int64 = .min, to: Int64) -> RollupDelta {
        var delta = RollupDelta()
        for record in records where record.event.timestamp.millis >= from && record.event.timestamp.millis < to { delta.add(record) }
        return delta
    }

    @Test("usage, usage by day and spend over ranges cut anywhere", arguments: StoreKind.available)
    func usageAndSpend(_ kind: StoreKind) async throws {
        let (fixture, records) = try await Self.ledger(kind)
        defer { fixture.directory.remove() }
        let aggregates = LedgerAggregates(store: fixture.store)
        let cuts = Self.cuts()
        for (from, to) in zip(cuts, cuts.dropFirst(3) + cuts.prefix(3)) where from < to {
            let delta = Self.brute(records, from: from, to: to)
            var usage: [UsageKey: UsageTotals] = [:]
            var byDay: [Int64: [UsageKey: UsageTotals]] = [:]
            var spend: [SpendKey: SpendTotals] = [:]
            for (key, totals) in delta.daily {
                usage[key.usage, default: UsageTotals()].add(totals)
                byDay[key.day, default: [:]][key.usage] = totals
                spend[SpendKey(key.usage), default: SpendTotals()].add(SpendTotals(requests: totals.requests, cost: totals.cost))
            }
            #expect(try await aggregates.usage(from: from, to: to) == usage, "usage [\(from), \(to))")
            #expect(try await aggregates.usageByDay(from: from, to: to) == byDay, "usage by day [\(from), \(to))")
            #expect(try await aggregates.spend(from: from, to: to) == spend, "spend [\(from), \(to))")
        }
        for to in cuts {
            var all: [UsageKey: UsageTotals] = [:]
            for (key, totals) in Self.brute(records, to: to).daily { all[key.usage, default: UsageTotals()].add(totals) }
            #expect(try await aggregates.usage(to: to) == all, "usage before \(to)")
        }
    }

    @Test("conversations before any cut: cost, requests and the quarter hour last active", arguments: StoreKind.available)
    func conversations(_ kind: StoreKind) async throws {
        let (fixture, records) = try await Self.ledger(kind)
        defer { fixture.directory.remove() }
        let aggregates = LedgerAggregates(store: fixture.store)
        for to in Self.cuts() {
            var expected: [ConversationKey: (requests: Int64, cost: Money, last: Int64)] = [:]
            for record in records where record.event.timestamp.millis < to {
                guard case .llm = record.event.usage, let conversation = record.event.conversationID else { continue }
                let key = ConversationKey(tenantID: record.event.tenantID, conversationID: conversation)
                var entry = expected[key] ?? (0, .zero, .min)
                entry.requests += 1
                entry.cost = entry.cost + record.pricing.cost
                entry.last = max(entry.last, record.event.timestamp.millis)
                expected[key] = entry
            }
            let found = try await aggregates.conversations(to: to)
            #expect(Set(found.keys) == Set(expected.keys), "conversations before \(to)")
            for (key, entry) in expected {
                let activity = try #require(found[key])
                #expect(activity.requests == entry.requests && activity.cost == entry.cost, "\(key) before \(to)")
                #expect(floorDivide(activity.lastActive, 900_000) == floorDivide(entry.last, 900_000), "\(key) last active before \(to)")
            }
        }
    }

    @Test("prompt-cache repeats, request keys and the token histogram over ranges cut anywhere", arguments: StoreKind.available)
    func optimizerRollups(_ kind: StoreKind) async throws {
        let (fixture, records) = try await Self.ledger(kind)
        defer { fixture.directory.remove() }
        let aggregates = LedgerAggregates(store: fixture.store)
        let cuts = Self.cuts()
        var repeatedWindows: Int64 = 0
        for (from, to) in zip(cuts, cuts.dropFirst(3) + cuts.prefix(3)) where from < to {
            let delta = Self.brute(records, from: from, to: to)
            var repeats: [PromptCacheModel: PromptCacheRepeats] = [:]
            for (key, window) in delta.promptCache where window.requests >= 2 {
                let model = PromptCacheModel(tenantID: key.tenantID, provider: key.provider, model: key.model)
                var entry = repeats[model] ?? PromptCacheRepeats()
                entry.windows += 1
                entry.repeatedTokens += window.uncachedTokens - window.firstUncachedTokens
                entry.firstTokens += window.firstUncachedTokens
                repeats[model] = entry
                repeatedWindows += 1
            }
            #expect(try await aggregates.promptCacheRepeats(from: from, to: to) == repeats, "prompt cache [\(from), \(to))")
            var keys: [RequestKeyKey: SpendTotals] = [:]
            for (key, totals) in delta.requestKeys { keys[key.key, default: SpendTotals()].add(totals) }
            #expect(try await aggregates.requestKeys(from: from, to: to, minimumRequests: 2) == keys.filter { $0.value.requests >= 2 })
        }
        #expect(repeatedWindows > 30, "the ledger has repeated prompt-cache windows to compare")
        for to in cuts {
            var histogram: [HistogramKey: [TokenCount]] = [:]
            let empty = [TokenCount](repeating: TokenCount(), count: RollupDelta.tokenBuckets.count + 1)
            for (key, count) in Self.brute(records, to: to).tokenHistogram { histogram[key.labels, default: empty][key.bucketIndex].add(count) }
            #expect(try await aggregates.tokenHistogram(to: to) == histogram, "histogram before \(to)")
        }
    }

    @Test("retried events count once in the prompt-cache rollup, retried in the same batch or another", arguments: StoreKind.available)
    func retriesInPromptCache(_ kind: StoreKind) async throws {
        let fixture = try await LedgerFixture(kind)
        defer { fixture.directory.remove() }
        func event(_ id: String, _ time: String, input: Int) -> String {
            #"{"id":"\#(id)","kind":"llm","timestamp":"2026-11-10T10:0\#(time)Z","tenant_id":"acme","worker":"agent","operation":"chat","provider":"openai","model":"gpt-4o","input_tokens":\#(input),"output_tokens":1,"prompt_fingerprint":"f"}"#
        }
        try await fixture.append([event("p2", "1:00", input: 200), event("p3", "2:00", input: 300)])
        // Two retries (one of them earlier than anything stored) and a new event, in one batch.
        try await fixture.append([event("p3", "2:00", input: 300), event("p1", "0:00", input: 100), event("p2", "1:00", input: 200)])
        let day = CivilDate(iso: "2026-11-10")!.startMillis
        var expected = PromptCacheRepeats()
        expected.windows = 1
        expected.repeatedTokens = 500  // p2 and p3 repeat p1, the window's first request
        expected.firstTokens = 100
        let repeats = try await LedgerAggregates(store: fixture.store).promptCacheRepeats(from: day, to: day + CivilDate.millisPerDay)
        #expect(repeats == [PromptCacheModel(tenantID: "acme", provider: "openai", model: "gpt-4o"): expected])
    }
}
