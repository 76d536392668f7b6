import Foundation
import TestSupport
import Testing

/// `costledger report` on real files, as the nightly cron runs it.
@Suite("costledger report")
struct NightlyReportCLITests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }
    var common: [String] { ["--db", db, "--pricing", Repository.pricing, "--tenants", Repository.root + "/config/tenants.csv"] }
    /// After every sample event (they end on 2026-11-20).
    static let asOf = "2026-11-21T06:00:00Z"

    init() throws {
        directory = try TemporaryDirectory()
        let ingest = try runCostLedger(["ingest", "--db", directory.file("ledger.sqlite"), "--pricing", Repository.pricing, Repository.root + "/samples/events.ndjson"])
        #expect(ingest.exitCode == 0)
    }

    func report(asOf: String, into name: String) throws -> [String: Data] {
        let out = directory.file(name)
        let result = try runCostLedger(["report"] + common + ["--as-of", asOf, "--out", out])
        #expect(result.exitCode == 0, "\(result.stderr)")
        var files: [String: Data] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: out) {
            files[file] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + file))
        }
        return files
    }

    func sqlite(_ sql: String) throws -> String {
        try runTool("sqlite3", [db, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parses a 9-decimal USD string into nano-USD without floating point.
    func nanos(_ usd: Substring) -> Int64 {
        let parts = usd.split(separator: ".")
        return Int64(parts[0])! * 1_000_000_000 + Int64(parts[1])!
    }

    @Test("writes every file of sections 7 and 15.1, named by as_of's UTC date, and nothing else")
    func files() throws {
        defer { directory.remove() }
        let files = try report(asOf: Self.asOf, into: "out")
        #expect(Set(files.keys) == [
            "cost-summary-2026-11-21.csv", "cost-summary-2026-11-21.json", "budgets-2026-11-21.csv", "budgets-2026-11-21.json",
            "recommendations-2026-11-21.csv", "recommendations-2026-11-21.json", "external-api-2026-11-21.csv", "costledger.prom",
            "ledger-head-2026-11-21.json", "reconciliation-2026-11-21.csv", "reconciliation-2026-11-21.json", "report-2026-11-21.html",
            "corrections-2026-11-21.csv", "late-events-2026-11-21.csv",
        ])
    }

    @Test("the month's cost summary and the textfile counters add up to the ledger to the nano-USD")
    func totalsMatchLedger() throws {
        defer { directory.remove() }
        let files = try report(asOf: Self.asOf, into: "out")
        let summary = String(decoding: try #require(files["cost-summary-2026-11-21.csv"]), as: UTF8.self)
        let rows = summary.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let monthTotal = rows.filter { $0[0] == "2026-11" }.reduce(Int64(0)) { $0 + nanos($1[13]) }
        let dayTotal = rows.filter { $0[0] == "2026-11-20" }.reduce(Int64(0)) { $0 + nanos($1[13]) }
        let monthRequests = rows.filter { $0[0] == "2026-11" }.reduce(Int64(0)) { $0 + Int64($1[7])! }
        #expect(monthTotal == Int64(try sqlite("SELECT sum(cost_nanos) FROM events")))
        #expect(monthRequests == 400)
        let dayStart = 1_795_132_800_000  // 2026-11-20T00:00:00Z
        #expect(dayTotal == Int64(try sqlite("SELECT sum(cost_nanos) FROM events WHERE ts_ms >= \(dayStart) AND ts_ms < \(dayStart + 86_400_000)")))

        let prom = String(decoding: try #require(files["costledger.prom"]), as: UTF8.self)
        var counterTotal: Int64 = 0
        var events: Int64 = 0
        for line in prom.split(separator: "\n") where !line.hasPrefix("#") {
            let value = line.split(separator: " ").last!
            if line.hasPrefix("cerniq_etapa3_llm_cost_usd_total{") || line.hasPrefix("cerniq_etapa3_external_api_cost_usd_total{") {
                counterTotal += nanos(value)
            }
            if line.hasPrefix("cerniq_etapa3_costledger_events_total{") { events += Int64(value)! }
        }
        #expect(counterTotal == Int64(try sqlite("SELECT sum(cost_nanos) FROM events")))
        #expect(events == 400)
        #expect(prom.contains("cerniq_etapa3_costledger_last_run_timestamp_seconds 1795240800\n"))
    }

    @Test("the same ledger and as_of give byte-identical files")
    func reproducible() throws {
        defer { directory.remove() }
        #expect(try report(asOf: Self.asOf, into: "first") == report(asOf: Self.asOf, into: "second"))
    }

    @Test("a report for an as_of in the past ignores events after it")
    func pastAsOf() throws {
        defer { directory.remove() }
        let past = "2026-11-10T12:34:56.789Z"
        let before = try report(asOf: past, into: "before")
        let later = #"{"id":"late-1","kind":"llm","timestamp":"2026-11-10T12:34:56.790Z","tenant_id":"tenant-01","worker":"w","operation":"chat","provider":"openai","model":"gpt-4o","input_tokens":1000000,"output_tokens":0,"conversation_id":"c-late"}"#
            + "\n" + #"{"id":"late-2","kind":"api","timestamp":"2026-11-10T13:00:00Z","tenant_id":"tenant-09","worker":"w","operation":"email_finder","service":"hunter","status":"success"}"#
        let ingest = try runCostLedger(["ingest", "--db", db, "--pricing", Repository.pricing, "-"], stdin: later + "\n")
        #expect(ingest.exitCode == 0)
        #expect(try report(asOf: past, into: "after") == before)
        #expect(try report(asOf: "2026-11-10T12:34:56.790Z", into: "later") != before)
    }

    @Test("the textfile passes promtool check metrics")
    func promtool() throws {
        defer { directory.remove() }
        let out = directory.file("costledger.prom")
        let result = try runCostLedger(["textfile"] + common + ["--as-of", Self.asOf, "--out", out, "--metric-prefix", "test_"])
        #expect(result.exitCode == 0)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("# TYPE test_llm_tokens_per_request histogram"))
        #expect(text.contains("le=\"+Inf\""))
        guard (try? runTool("which", ["promtool"])) != nil else { return }  // scripts/test-textfile installs it for CI
        _ = try runTool("promtool", ["check", "metrics"], stdin: text)
    }

    @Test("budgets prints one row per tenant as JSON or CSV")
    func budgets() throws {
        defer { directory.remove() }
        let json = try runCostLedger(["budgets"] + common + ["--as-of", Self.asOf])
        let rows = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["tenant_id"] as? String } == ["tenant-01", "tenant-02", "tenant-03", "tenant-04"])
        #expect(rows[0]["timezone"] as? String == "Europe/Bucharest")
        #expect(rows[0]["conversations_over_limit"] as? Int == 0)
        let csv = try runCostLedger(["budgets"] + common + ["--as-of", Self.asOf, "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").count == 5)
    }

    @Test("recommend prints the optimiser's output, the same bytes each time, and report writes it too")
    func recommend() throws {
        defer { directory.remove() }
        let arguments = ["recommend"] + common + ["--as-of", Self.asOf, "--savings-floor", "0.01"]
        let first = try runCostLedger(arguments)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [[String: Any]])
        #expect(!rows.isEmpty)
        #expect(Set(rows[0].keys).count == 10)
        #expect(try runCostLedger(arguments).stdout == first.stdout)
        let csv = try runCostLedger(arguments + ["--format", "csv"])
        #expect(csv.stdout.hasPrefix("id,tenant_id,category,priority,title,description,estimated_monthly_savings_usd,implementation,current_metric,target_metric\n"))
        #expect(try runCostLedger(["recommend"] + common + ["--window-days", "0"]).exitCode == 2)
    }
}
