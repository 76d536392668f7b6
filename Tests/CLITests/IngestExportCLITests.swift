import Foundation
import TestSupport
import Testing

/// The real binary on real files: what a worker, the cron and finance do.
@Suite("costledger ingest, export, verify, quote")
struct IngestExportCLITests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }
    var common: [String] { ["--db", db, "--pricing", Repository.pricing] }

    init() throws {
        directory = try TemporaryDirectory()
    }

    static let events = [
        #"{"id":"e1","kind":"llm","timestamp":"2026-10-24T12:15:00+02:00","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","provider":"anthropic","model":"claude-sonnet-4-20250514","input_tokens":10000,"output_tokens":1500,"cached_tokens":2000,"cache_write_tokens":1000,"conversation_id":"c-1"}"#,
        #"{"id":"e2","kind":"api","timestamp":"2026-10-24T10:16:00Z","tenant_id":"globex","worker":"enrich","operation":"company_info","service":"termene","status":"success","request_key":"ro-123"}"#,
        "",
        #"{"id":"e3","kind":"llm","timestamp":"2026-10-31T23:59:59.999Z","tenant_id":"acme","worker":"w","operation":"x","provider":"mistral","model":"large","input_tokens":1000000,"output_tokens":0,"batch":true}"#,
        #"{"id":"e4","kind":"llm","timestamp":"2026-11-01T00:00:00Z","tenant_id":"acme","worker":"w","operation":"x","provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":0}"#,
    ].joined(separator: "\n") + "\n"

    @Test("ingest, then export csv in [from, to) and ledger order, with exact costs")
    func ingestAndExportCSV() throws {
        defer { directory.remove() }
        let file = try directory.write("events.ndjson", Self.events)
        let ingest = try runCostLedger(["ingest"] + common + [file])
        #expect(ingest.exitCode == 0)
        #expect(ingest.stdout == #"{"accepted":4,"duplicates":0,"late":0,"rejected":[]}"# + "\n")

        let export = try runCostLedger(["export"] + common + ["--from", "2026-10-01", "--to", "2026-11-01"])
        #expect(export.exitCode == 0)
        let expected = """
            sequence,event_id,timestamp,tenant_id,kind,worker,operation,conversation_id,provider,model,service,status,input_tokens,output_tokens,cached_tokens,cache_write_tokens,batch,units,cost_usd,estimated,service_tier,cache_write_1h_tokens,input_audio_tokens,input_image_tokens,output_audio_tokens,output_image_tokens,reasoning_tokens,web_search_requests,provider_cost_usd,price_row,billing_month,late,adjusts_sequence,reason
            1,e1,2026-10-24T10:15:00.000Z,acme,llm,ai-agent-core,classification,c-1,anthropic,claude-sonnet-4-20250514,,success,10000,1500,2000,1000,false,,0.047850000,false,standard,0,0,0,0,0,0,0,,anthropic/claude-sonnet-4-20250514@2025-01-01,2026-10,false,,
            2,e2,2026-10-24T10:16:00.000Z,globex,api,enrich,company_info,,,,termene,success,,,,,,1,0.050000000,false,,,,,,,,,,termene/company_info@2025-01-01,2026-10,false,,
            3,e3,2026-10-31T23:59:59.999Z,acme,llm,w,x,,mistral,large,,success,1000000,0,0,0,true,,5.000000000,true,batch,0,0,0,0,0,0,0,,*/*@2020-01-01,2026-10,false,,

            """
        // e3: *,* has no batch discount, so 1M × 5.00 = 5 USD; e4 is on 2026-11-01, outside [from, to).
        #expect(export.stdout == expected)

        let acme = try runCostLedger(["export"] + common + ["--from", "2026-10-24T10:15:00Z", "--to", "2026-12-01", "--tenant", "acme"])
        #expect(acme.stdout.split(separator: "\n").map { $0.split(separator: ",").dropFirst().first ?? "" } == ["event_id", "e1", "e3", "e4"])
    }

    @Test("export json has the csv's keys, money as strings, null where a field does not apply")
    func exportJSON() throws {
        defer { directory.remove() }
        let file = try directory.write("events.ndjson", Self.events)
        _ = try runCostLedger(["ingest"] + common + [file])
        let out = directory.file("costs.json")
        let export = try runCostLedger(["export"] + common + ["--from", "2026-10-01", "--to", "2026-12-01", "--format", "json", "--out", out])
        #expect(export.exitCode == 0 && export.stdout.isEmpty)
        let rows = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]])
        #expect(rows.count == 4)
        #expect(rows[1]["cost_usd"] as? String == "0.050000000")
        #expect(rows[1]["input_tokens"] is NSNull)
        #expect(rows[1]["units"] as? Int == 1)
        #expect(rows[0]["batch"] as? Bool == false)
        #expect(rows[3]["cost_usd"] as? String == "0.002500000")
        #expect(Set(rows[0].keys).count == 34)
        #expect(rows[0]["billing_month"] as? String == "2026-10" && rows[0]["late"] as? Bool == false)
        #expect(rows[0]["adjusts_sequence"] is NSNull && rows[0]["reason"] is NSNull)
        #expect(rows[0]["service_tier"] as? String == "standard" && rows[0]["price_row"] as? String == "anthropic/claude-sonnet-4-20250514@2025-01-01")
        #expect(rows[1]["service_tier"] is NSNull && rows[1]["reasoning_tokens"] is NSNull && rows[1]["provider_cost_usd"] is NSNull)
        #expect(!FileManager.default.fileExists(atPath: out + ".tmp-0"))
    }

    @Test("rejections are listed with file, line, id and code; valid lines are kept; exit 1; a retry is all duplicates")
    func rejectionsAndRetry() throws {
        defer { directory.remove() }
        let bad = Self.events + "not json\n" + #"{"id":"e9","kind":"llm"}"# + "\n" + #"{"id":"e1","kind":"api","timestamp":"2026-10-24T10:16:00Z","tenant_id":"acme","worker":"w","operation":"o","service":"s","status":"error"}"# + "\n"
        let file = try directory.write("events.ndjson", bad)
        let ingest = try runCostLedger(["ingest"] + common + [file])
        #expect(ingest.exitCode == 1)
        let summary = try #require(JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any])
        #expect(summary["accepted"] as? Int == 4)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [6, 7, 8])
        #expect(rejected.map { $0["error"] as? String } == ["invalid_json", "missing_field", "id_conflict"])
        #expect(rejected[0]["id"] == nil && rejected[1]["id"] as? String == "e9")
        #expect(rejected[2]["file"] as? String == file)

        let retry = try runCostLedger(["ingest"] + common + ["-"], stdin: Self.events)
        #expect(retry.exitCode == 0)
        #expect(retry.stdout == #"{"accepted":0,"duplicates":4,"late":0,"rejected":[]}"# + "\n")
        #expect(try runCostLedger(["verify"] + common).stdout == "ok 4 events\n")
    }

    @Test("bad usage and unreadable inputs exit 2 with one line on stderr, storing nothing")
    func usageErrors() throws {
        defer { directory.remove() }
        let file = try directory.write("events.ndjson", Self.events)
        let missing = try runCostLedger(["ingest"] + common + [file, directory.file("nope.ndjson")])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("nope.ndjson"))
        #expect(!FileManager.default.fileExists(atPath: db))
        let badPricing = try directory.write("pricing/llm.csv", "provider,model\n")
        _ = badPricing
        let pricing = try runCostLedger(["ingest", "--db", db, "--pricing", directory.file("pricing"), file])
        #expect(pricing.exitCode == 2)
        #expect(pricing.stderr.contains("llm.csv"))
        #expect(try runCostLedger(["export"] + common + ["--from", "yesterday", "--to", "2026-11-01"]).exitCode == 2)
        #expect(try runCostLedger(["verify", "--db", directory.file("none.sqlite")]).exitCode == 2)
        #expect(try runCostLedger(["frobnicate"]).exitCode == 2)
        let help = try runCostLedger(["--help"])
        #expect(help.exitCode == 0 && help.stdout.contains("ingest") && help.stdout.contains("verify"))
    }

    @Test("verify fails at the tampered sequence number and exits 1")
    func verifyTampered() throws {
        defer { directory.remove() }
        let file = try directory.write("events.ndjson", Self.events)
        _ = try runCostLedger(["ingest"] + common + [file])
        _ = try runTool("sqlite3", [db, "DROP TRIGGER events_append_only_update; UPDATE events SET output_tokens = 1 WHERE seq = 3;"])
        let verify = try runCostLedger(["verify"] + common)
        #expect(verify.exitCode == 1)
        #expect(verify.stdout.hasPrefix("broken at sequence 3:"))
    }

    @Test("quote prints the breakdown and the rounded cost")
    func quote() throws {
        defer { directory.remove() }
        let quote = try runCostLedger(["quote", "--pricing", Repository.pricing, "--provider", "google", "--model", "gemini-2.5-pro", "--input", "200001", "--output", "1000", "--batch", "--at", "2026-11-24"])
        #expect(quote.exitCode == 0)
        #expect(quote.stdout.contains("long context:   true"))
        #expect(quote.stdout.contains("cost_usd:       0.257501250"))
    }

    @Test("stored costs add up to an independent exact recomputation (Python fractions), to the nano-USD")
    func independentRecomputation() throws {
        defer { directory.remove() }
        let sample = Repository.root + "/samples/events.ndjson"
        let ingest = try runCostLedger(["ingest"] + common + [sample])
        #expect(ingest.exitCode == 0)
        let csv = directory.file("all.csv")
        _ = try runCostLedger(["export"] + common + ["--from", "2000-01-01", "--to", "2100-01-01", "--out", csv])
        let reference = try runTool("python3", [Repository.root + "/Tests/Reference/reference_pricer.py", csv, Repository.pricing])
        let result = try #require(JSONSerialization.jsonObject(with: Data(reference.utf8)) as? [String: Any])
        #expect(result["events"] as? Int == 400)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(reference)")
        let stored = try runTool("sqlite3", [db, "SELECT sum(cost_nanos) FROM events"])
        #expect(stored == "\(result["total_nanos"] as? Int ?? -1)\n")
    }
}
