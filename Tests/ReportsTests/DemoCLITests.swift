import Foundation
import Pricing
import TestSupport
import Testing

@Suite("costledger demo")
struct DemoCLITests {
    @Test("generates a month on catalogue models, writes the report, and running it twice changes nothing")
    func demo() throws {
        // Given an empty directory
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let ledger = directory.file("ledger.sqlite")
        let arguments = [
            "demo", "--db", ledger, "--pricing", Repository.pricing, "--tenants", Repository.root + "/config/tenants.csv",
            "--as-of", "2026-11-20T18:00:00Z", "--out", directory.file("out"),
        ]

        // When the demo runs
        let first = try runCostLedger(arguments)

        // Then it made the month, with tenant-03 over its budget, and says what was estimated
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("exceeded"))
        #expect(first.stdout.contains("ledger \(ledger): 29432 events (29432 new), 90 priced by a fallback row (estimated)\n"))
        // The seeded generator makes these exact figures; the events below are worked out by hand.
        let traffic = """
            LLM requests by model (all time; tiers other than standard):
              anthropic/claude-haiku-4-5-20251001       2622 events   15.042633650 USD  batch 63
              anthropic/claude-sonnet-4-5-20250929      6628 events  492.791070875 USD  batch 120
              google/gemini-2.5-flash                   2601 events   15.005706070 USD  batch 62
              google/gemini-2.5-pro                     2637 events   40.019050000 USD  batch 67
              mistral/mistral-nova-preview                90 events    1.825565000 USD  batch 2
              openai/gpt-5                              2676 events   43.293056625 USD  batch 68, priority 156
              openai/gpt-5-mini                         7600 events   16.813155295 USD  batch 65, flex 4967
              openrouter/anthropic/claude-sonnet-4.5      90 events    1.485393900 USD  batch 5
              openrouter/openrouter/auto                  98 events    0.928407875 USD  batch 4
            one-hour cache writes: 9552073 tokens in 944 requests; reasoning: 11372794 tokens in 17666 requests; web searches: 1112 in 547 requests

            estimated (priced by a fallback row, not by the tables):
              mistral/mistral-nova-preview                90 events    1.825565000 USD  at */*@2020-01-01

            reported by the provider (provider_cost_usd):
              openrouter/anthropic/claude-sonnet-4.5      90 events    1.485393900 USD  reported 1.485393900 USD, difference 0.000000000 USD
              openrouter/openrouter/auto                  98 events    0.928407875 USD  priced at the reported cost (no price row)
            """
        #expect(first.stdout.contains("\n\n" + traffic + "\n\nmonth-to-date spend by tenant"), "\(first.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory.file("out/budgets-2026-11-20.csv")))
        #expect(first.stdout.hasSuffix("\n\nthe report to read, in any browser: \(directory.file("out/report-2026-11-20.html"))\n"))

        // The stored costs of one event of each new kind, from the catalogue's prices (USD per 1M tokens):
        let export = directory.file("day.json")
        let exported = try runCostLedger(
            ["export", "--db", ledger, "--pricing", Repository.pricing, "--from", "2026-10-21", "--to", "2026-10-22", "--format", "json",
             "--out", export])
        #expect(exported.exitCode == 0, "\(exported.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: export))) as? [[String: Any]])
        let events = Dictionary(rows.map { ($0["event_id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        func expectEvent(_ id: String, _ fields: [String: String]) {
            let row = events[id] ?? [:]
            for (field, value) in fields { #expect(row[field].map { "\($0)" } == value, "\(id) \(field)") }
        }
        // claude-sonnet-4-5 (3 input, 6 one-hour cache write, 15 output): 1,115 input of which 557
        // written to the cache for an hour, 655 output (393 of them reasoning, priced as output):
        // 558 × 3 + 557 × 6 + 655 × 15 = 1,674 + 3,342 + 9,825 = 14,841 µUSD.
        expectEvent(
            "demo-2026-11-20-47",
            ["model": "claude-sonnet-4-5-20250929", "input_tokens": "1115", "cache_write_1h_tokens": "557", "output_tokens": "655",
             "reasoning_tokens": "393", "service_tier": "standard", "cost_usd": "0.014841000",
             "price_row": "anthropic/claude-sonnet-4-5*@1970-01-01"])
        // claude-haiku-4-5 (1, 2 one-hour, 5, and 10 USD per 1,000 web searches): 972 input, 486 of
        // them one-hour writes, 830 output, 3 searches: 486 × 1 + 486 × 2 + 830 × 5 = 5,608 µUSD,
        // plus 3 × 0.01 USD = 0.035608 USD.
        expectEvent(
            "demo-2026-11-20-224",
            ["model": "claude-haiku-4-5-20251001", "cache_write_1h_tokens": "486", "web_search_requests": "3", "cost_usd": "0.035608000"])
        // gpt-5-mini's flex row (0.125 input, 0.0125 cached, 1 output): 996 input, 498 cached, 963
        // output: 498 × 0.125 + 498 × 0.0125 + 963 × 1 = 62.25 + 6.225 + 963 = 1,031.475 µUSD.
        expectEvent(
            "demo-2026-11-20-7",
            ["model": "gpt-5-mini", "service_tier": "flex", "cost_usd": "0.001031475", "price_row": "openai/gpt-5-mini@1970-01-01/flex"])
        // The unknown model at the `*,*` estimate (5 input, 15 output): 2,913 × 5 + 472 × 15 = 21,645 µUSD.
        expectEvent(
            "demo-2026-11-20-642",
            ["model": "mistral-nova-preview", "estimated": "1", "cost_usd": "0.021645000", "price_row": "*/*@2020-01-01"])
        // openrouter/auto has no row: it costs what OpenRouter reported, not estimated.
        expectEvent(
            "demo-2026-11-20-789",
            ["model": "openrouter/auto", "estimated": "0", "cost_usd": "0.006233875", "provider_cost_usd": "0.006233875",
             "price_row": "provider"])

        // The report's month equals the ledger's events of the month up to as_of, to the nano.
        let summary = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("out/cost-summary-2026-11-20.json"))))
                as? [[String: Any]])
        let month = summary.filter { $0["period"] as? String == "2026-11" }
        let reported = month.reduce(Money.zero) { $0 + (Money(decimal: $1["cost_usd"] as? String ?? "") ?? Money(nanos: -1)) }
        let stored = try runTool(
            "sqlite3", [ledger, "SELECT count(*) || ' ' || sum(cost_nanos) FROM events WHERE ts_ms >= 1793491200000 AND ts_ms <= 1795197600000"])
        #expect(stored == "\(month.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) }) \(reported.nanos)\n")
        #expect(stored == "18923 455866697305\n")

        // And a second run adds nothing and rewrites the same files; the ledger verifies.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.file("out")).sorted()
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: directory.file("out/" + $0))) }
        let second = try runCostLedger(arguments)
        #expect(second.stdout.contains("(0 new)"))
        #expect(second.stdout.contains(traffic))
        #expect(try files.map { try Data(contentsOf: URL(fileURLWithPath: directory.file("out/" + $0))) } == before)
        let verify = try runCostLedger(["verify", "--db", ledger, "--pricing", Repository.pricing])
        #expect(verify.exitCode == 0 && verify.stdout == "ok 29432 events\n", "\(verify.stdout)")
    }
}
