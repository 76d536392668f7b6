import Foundation
import TestSupport
import Testing

/// Where section 11's figures show in the report and the textfile (CONTRACT 11.5), on the
/// ledger of `Tests/Fixtures/ledger-v3.ndjson`, with every figure worked out by hand.
///
/// Prices (`Tests/Fixtures/ledger-v3-pricing`, USD per 1M tokens): anthropic/claude-x 3 in, 15
/// out, 0.30 cache read, 3.75 cache write, 6 one-hour write, 10 per 1,000 web searches;
/// openai/gpt-x 2 in, 8 out, 40 input audio, input image empty (= 2), 80 output audio, 40 output
/// image; `openai,*` 10 / 30; `*,*` 5 / 15; hunter/email_finder 0.03 a call. The events:
///
/// | id | day | tenant | model | cost | why |
/// |---|---|---|---|---|---|
/// | 01 | 11-20 | acme | claude-x | 0.0978 | 4,000 text in 0.012 + 1,000 cached 0.0003 + 2,000 written 0.0075 + 3,000 1h 0.018 + 2,000 out 0.03 + 3 searches 0.03; 500 reasoning |
/// | 02 | 11-20 | acme | gpt-x | 0.1072 | 3,500 text in 0.007 + 1,000 audio 0.04 + 500 image 0.001 + 2,400 text out 0.0192 + 400 audio 0.032 + 200 image 0.008; 1,000 reasoning; provider says 0.05 |
/// | 03 | 11-21 01:00 | acme | gpt-x | 0.0028 | 1,000 in 0.002 + 100 out 0.0008; 50 reasoning; provider says 0.01 |
/// | 04 | 11-20 | beta | claude-x | 0.000003 | 1 token in; provider says 0.000384 |
/// | 05 | 11-20 | beta | gpt-x | 0.002 | provider says 0 |
/// | 06 | 11-20 | acme | openai/gpt-new | 0.123456789 | only `openai,*` knows it: the provider's figure, not estimated |
/// | 07 | 11-20 | acme | openai/gpt-new | 0.02 | 2,000 in at `openai,*`, estimated |
/// | 08 | 11-20 | acme | mistral/mistral-big | 0.02 | 1,000 in and out at `*,*`, estimated |
/// | 09 | 11-20 | beta | claude-x | 0.0045 | flex without a tier row: standard prices, estimated (a known model) |
/// | 10 | 10-31 | beta | gpt-x | 0.002 | the month before; provider says 1 |
/// | 11 | 11-20 | acme | hunter/email_finder | 0.03 | an API call |
/// | 12 | 11-21 07:00 | acme | claude-x | 0.0145 | after `as_of`: 500 text in 0.0015 + 500 1h 0.003 + 1 search 0.01; provider says 9 |
/// | 13 | 11-21 02:00 | acme | claude-x | 0.019 | 1,000 text in 0.003 + 1,000 1h 0.006 + 1 search 0.01 |
@Suite("Section 11.5: the new figures in the report and the textfile")
struct Section11ReportTests {
    static let fixtures = Repository.root + "/Tests/Fixtures"
    static let asOf = "2026-11-21T06:00:00Z"
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }

    static func common(_ db: String) -> [String] {
        ["--db", db, "--pricing", fixtures + "/ledger-v3-pricing", "--tenants", Repository.root + "/config/tenants.csv"]
    }

    init() throws {
        directory = try TemporaryDirectory()
        let ingest = try runCostLedger(["ingest"] + Self.common(directory.file("ledger.sqlite")) + [Self.fixtures + "/ledger-v3.ndjson"])
        #expect(ingest.stdout == #"{"accepted":13,"duplicates":0,"late":0,"rejected":[]}"# + "\n", "\(ingest.stderr)")
    }

    /// The files `report` writes for `asOf` from the ledger at `db`, by name.
    func report(_ db: String, asOf: String = Self.asOf, into name: String) async throws -> [String: String] {
        let out = directory.file(name)
        let result = try runCostLedger(["report"] + Self.common(db) + ["--as-of", asOf, "--out", out])
        #expect(result.exitCode == 0, "\(result.stderr)")
        var files: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: out) {
            files[file] = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
        }
        return files
    }

    /// The lines of the textfile's family `name` (its HELP and TYPE lines included).
    static func family(_ name: String, in prom: String) -> [String] {
        let metric = "cerniq_etapa3_" + name
        return prom.split(separator: "\n").map(String.init).filter {
            $0.hasPrefix(metric + "{") || $0.hasPrefix(metric + " ") || $0.hasPrefix("# HELP \(metric) ") || $0.hasPrefix("# TYPE \(metric) ")
        }
    }

    @Test("the cost summary appends the section 11 counts after estimated_requests, 0 where they do not apply")
    func costSummary() async throws {
        defer { directory.remove() }
        let files = try await report(db, into: "out")
        let header =
            "period,tenant_id,kind,provider,model,service,operation,requests,input_tokens,output_tokens,cached_tokens,"
            + "cache_write_tokens,units,cost_usd,estimated_requests,cache_write_1h_tokens,input_audio_tokens,input_image_tokens,"
            + "output_audio_tokens,output_image_tokens,reasoning_tokens,web_search_requests"
        // The month adds events 03 and 13 (2026-11-21, before as_of) to the previous day's rows;
        // event 10 (October) and 12 (after as_of) are in neither.
        let expected = [
            header,
            "2026-11,acme,api,,,hunter,email_finder,1,0,0,0,0,1,0.030000000,0,0,0,0,0,0,0,0",
            "2026-11,acme,llm,anthropic,claude-x,,chat,2,12000,2000,1000,2000,0,0.116800000,0,4000,0,0,0,0,500,4",
            "2026-11,acme,llm,mistral,mistral-big,,chat,1,1000,1000,0,0,0,0.020000000,1,0,0,0,0,0,0,0",
            "2026-11,acme,llm,openai,gpt-new,,chat,2,3000,1000,0,0,0,0.143456789,1,0,0,0,0,0,0,0",
            "2026-11,acme,llm,openai,gpt-x,,chat,2,6000,3100,0,0,0,0.110000000,0,0,1000,500,400,200,1050,0",
            "2026-11,beta,llm,anthropic,claude-x,,chat,2,1001,100,0,0,0,0.004503000,1,0,0,0,0,0,0,0",
            "2026-11,beta,llm,openai,gpt-x,,chat,1,1000,0,0,0,0,0.002000000,0,0,0,0,0,0,0,0",
            "2026-11-20,acme,api,,,hunter,email_finder,1,0,0,0,0,1,0.030000000,0,0,0,0,0,0,0,0",
            "2026-11-20,acme,llm,anthropic,claude-x,,chat,1,10000,2000,1000,2000,0,0.097800000,0,3000,0,0,0,0,500,3",
            "2026-11-20,acme,llm,mistral,mistral-big,,chat,1,1000,1000,0,0,0,0.020000000,1,0,0,0,0,0,0,0",
            "2026-11-20,acme,llm,openai,gpt-new,,chat,2,3000,1000,0,0,0,0.143456789,1,0,0,0,0,0,0,0",
            "2026-11-20,acme,llm,openai,gpt-x,,chat,1,5000,3000,0,0,0,0.107200000,0,0,1000,500,400,200,1000,0",
            "2026-11-20,beta,llm,anthropic,claude-x,,chat,2,1001,100,0,0,0,0.004503000,1,0,0,0,0,0,0,0",
            "2026-11-20,beta,llm,openai,gpt-x,,chat,1,1000,0,0,0,0,0.002000000,0,0,0,0,0,0,0,0",
        ]
        #expect(files["cost-summary-2026-11-21.csv"] == expected.joined(separator: "\n") + "\n")
        let json = try #require(files["cost-summary-2026-11-21.json"])
        #expect(
            json.contains(
                #"{"period":"2026-11","tenant_id":"acme","kind":"llm","provider":"openai","model":"gpt-x","service":"","#
                    + #""operation":"chat","requests":2,"input_tokens":6000,"output_tokens":3100,"cached_tokens":0,"cache_write_tokens":0,"#
                    + #""units":0,"cost_usd":"0.110000000","estimated_requests":0,"cache_write_1h_tokens":0,"input_audio_tokens":1000,"#
                    + #""input_image_tokens":500,"output_audio_tokens":400,"output_image_tokens":200,"reasoning_tokens":1050,"#
                    + #""web_search_requests":0}"#), "\(json)")
        // Every month total equals the ledger to the nano: the events up to as_of, less October's.
        let month = try runTool(
            "sqlite3", [db, "SELECT sum(cost_nanos) FROM events WHERE ts_ms >= 1793491200000 AND ts_ms <= 1795240800000"])
        #expect(month == "426759789\n")  // 0.03 + 0.1168 + 0.02 + 0.143456789 + 0.11 + 0.004503 + 0.002
    }

    @Test("reconciliation: per tenant, provider and model, cost against the provider's figure; a zero provider cost has no ratio")
    func reconciliation() async throws {
        defer { directory.remove() }
        let files = try await report(db, into: "out")
        // gpt-new: provider-priced, so the two agree. gpt-x of acme: 0.1072 + 0.0028 = 0.11 against
        // 0.05 + 0.01 = 0.06, ratio 1.8333… → 1.833333. claude-x of beta: 0.000003 against 0.000384,
        // 3,000 / 384,000 = 0.0078125 → half to even 0.007812. gpt-x of beta: October's event is out of
        // the month; the other reported 0.
        #expect(
            files["reconciliation-2026-11-21.csv"]
                == """
                tenant_id,provider,model,events,cost_usd,provider_cost_usd,difference_usd,ratio
                acme,openai,gpt-new,1,0.123456789,0.123456789,0.000000000,1.000000
                acme,openai,gpt-x,2,0.110000000,0.060000000,0.050000000,1.833333
                beta,anthropic,claude-x,1,0.000003000,0.000384000,-0.000381000,0.007812
                beta,openai,gpt-x,1,0.002000000,0.000000000,0.002000000,

                """)
        #expect(
            files["reconciliation-2026-11-21.json"]
                == """
                [
                {"tenant_id":"acme","provider":"openai","model":"gpt-new","events":1,"cost_usd":"0.123456789","provider_cost_usd":"0.123456789","difference_usd":"0.000000000","ratio":"1.000000"},
                {"tenant_id":"acme","provider":"openai","model":"gpt-x","events":2,"cost_usd":"0.110000000","provider_cost_usd":"0.060000000","difference_usd":"0.050000000","ratio":"1.833333"},
                {"tenant_id":"beta","provider":"anthropic","model":"claude-x","events":1,"cost_usd":"0.000003000","provider_cost_usd":"0.000384000","difference_usd":"-0.000381000","ratio":"0.007812"},
                {"tenant_id":"beta","provider":"openai","model":"gpt-x","events":1,"cost_usd":"0.002000000","provider_cost_usd":"0.000000000","difference_usd":"0.002000000","ratio":null}
                ]

                """)

        // October to its last millisecond: only event 10 (0.002 against 1: ratio 0.002).
        let october = try await report(db, asOf: "2026-10-31T23:59:59.999Z", into: "october")
        #expect(
            october["reconciliation-2026-10-31.csv"]
                == "tenant_id,provider,model,events,cost_usd,provider_cost_usd,difference_usd,ratio\n"
                + "beta,openai,gpt-x,1,0.002000000,1.000000000,-0.998000000,0.002000\n")
        // A millisecond earlier, no event carries a provider cost: the header alone, and an empty array.
        let none = try await report(db, asOf: "2026-10-31T23:59:59.998Z", into: "none")
        #expect(none["reconciliation-2026-10-31.csv"] == "tenant_id,provider,model,events,cost_usd,provider_cost_usd,difference_usd,ratio\n")
        #expect(none["reconciliation-2026-10-31.json"] == "[]\n")
    }

    @Test("the textfile's reasoning, cache-write, web-search and unknown-model counters, as of as_of")
    func textfile() async throws {
        defer { directory.remove() }
        let prom = try await #require(try report(db, into: "out")["costledger.prom"])
        let labels = [
            #"tenant_id="acme",provider="anthropic",model="claude-x""#, #"tenant_id="acme",provider="mistral",model="mistral-big""#,
            #"tenant_id="acme",provider="openai",model="gpt-new""#, #"tenant_id="acme",provider="openai",model="gpt-x""#,
            #"tenant_id="beta",provider="anthropic",model="claude-x""#, #"tenant_id="beta",provider="openai",model="gpt-x""#,
        ]
        let upToNow = " of every ledger event up to the report time."
        func expectCounter(_ name: String, _ help: String, _ values: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation) {
            let metric = "cerniq_etapa3_" + name
            let lines = ["# HELP \(metric) \(help)", "# TYPE \(metric) counter"]
            #expect(Self.family(name, in: prom) == lines + values.map { "\(metric){\($0.0)} \($0.1)" }, sourceLocation: sourceLocation)
        }
        func perModel(_ values: [String]) -> [(String, String)] { Array(zip(labels, values)) }
        // Reasoning: 500 (event 01); 1,000 + 50 (02, 03). October's event 10 counts (all time), 12 does not.
        expectCounter("llm_tokens_reasoning_total", "LLM tokens (reasoning, part of output)" + upToNow, perModel(["500", "0", "0", "1050", "0", "0"]))
        // Cache writes of acme's claude-x: 1h 3,000 + 1,000 (01, 13); 5m 2,000 (01). Series sort 1h before 5m.
        let cacheWrites = labels.flatMap { [$0 + #",ttl="1h""#, $0 + #",ttl="5m""#] }
        expectCounter(
            "llm_tokens_cache_write_total", "LLM tokens (cache writes, ttl 5m or 1h, part of input)" + upToNow,
            Array(zip(cacheWrites, ["4000", "2000"] + Array(repeating: "0", count: 10))))
        // Web searches: 3 + 1 (01, 13).
        expectCounter("llm_web_searches_total", "LLM server-side web searches" + upToNow, perModel(["4", "0", "0", "0", "0", "0"]))
        // Unknown models: gpt-new twice (06 provider-priced, 07 at openai,*), mistral-big once (*,*);
        // beta's flex request (09) is estimated but its model is known.
        expectCounter(
            "costledger_unknown_model_events_total",
            "LLM events whose model no price row knows (priced by a fallback row, or by the provider's reported cost).",
            [(#"provider="mistral",model="mistral-big""#, "1"), (#"provider="openai",model="gpt-new""#, "2")])
        #expect(
            Self.family("costledger_estimated_events_total", in: prom).dropFirst(2)
                == [
                    #"cerniq_etapa3_costledger_estimated_events_total{provider="anthropic",model="claude-x"} 1"#,
                    #"cerniq_etapa3_costledger_estimated_events_total{provider="mistral",model="mistral-big"} 1"#,
                    #"cerniq_etapa3_costledger_estimated_events_total{provider="openai",model="gpt-new"} 1"#,
                ])

        // An hour later event 12 counts too (1h +500, searches +1), and no counter went down.
        let later = try await #require(try report(db, asOf: "2026-11-21T07:00:00Z", into: "later")["costledger.prom"])
        #expect(later.contains(#"cerniq_etapa3_llm_tokens_cache_write_total{\#(labels[0]),ttl="1h"} 4500"# + "\n"))
        #expect(later.contains(#"cerniq_etapa3_llm_web_searches_total{\#(labels[0])} 5"# + "\n"))
        let families = ["llm_tokens_reasoning_total", "llm_tokens_cache_write_total", "llm_web_searches_total", "costledger_unknown_model_events_total"]
        for name in families {
            let before = Self.samples(Self.family(name, in: prom))
            let after = Self.samples(Self.family(name, in: later))
            for (series, value) in before { #expect((after[series] ?? -1) >= value, "\(series) went down") }
        }
        if (try? runTool("which", ["promtool"])) != nil { _ = try runTool("promtool", ["check", "metrics"], stdin: later) }
    }

    /// The samples of a family's lines, by series.
    static func samples(_ lines: [String]) -> [String: Int64] {
        var values: [String: Int64] = [:]
        for line in lines where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Int64(parts[1])
        }
        return values
    }

    @Test("a version 3 ledger: readers of its rollups refuse it, naming the fix; a writer rebuilds them, and the report is a fresh ledger's")
    func version3Ledger() async throws {
        defer { directory.remove() }
        let old = directory.file("v3.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixtures + "/ledger-v3.sqlite", toPath: old)
        let refused = try runCostLedger(["report"] + Self.common(old) + ["--as-of", Self.asOf, "--out", directory.file("refused")])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("\(old): schema version 3: its daily rollup lacks the sums of section 11"), "\(refused.stderr)")
        #expect(refused.stderr.contains("a command that writes (ingest, serve) rebuilds it from the events"), "\(refused.stderr)")
        #expect(try runCostLedger(["verify"] + Self.common(old)).exitCode == 2)
        // Export reads the events alone, which version 3 already has.
        let exported = try runCostLedger(
            ["export"] + Self.common(old) + ["--from", "2026-10-01", "--to", "2027-01-01", "--out", directory.file("old.csv")])
        #expect(exported.exitCode == 0, "\(exported.stderr)")
        #expect(try runTool("sqlite3", [old, "PRAGMA user_version"]) == "3\n")

        let writer = try runCostLedger(["ingest"] + Self.common(old) + ["-"], stdin: "")
        #expect(writer.stdout == #"{"accepted":0,"duplicates":0,"late":0,"rejected":[]}"# + "\n", "\(writer.stderr)")
        #expect(try runTool("sqlite3", [old, "PRAGMA user_version"]) == "5\n")
        #expect(try runCostLedger(["verify"] + Self.common(old)).stdout == "ok 13 events\n")
        let migrated = try await report(old, into: "migrated")
        #expect(migrated == (try await report(db, into: "fresh")))
        #expect(migrated.count == 14)  // section 7's files, section 14's two and report-DATE.html
    }

    @Test("a version 2 ledger read read-only reports what it reports once a writer has rebuilt its rollups")
    func version2Ledger() async throws {
        defer { directory.remove() }
        let old = directory.file("v2.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixtures + "/ledger-v2.sqlite", toPath: old)
        func files(_ name: String) async throws -> [String: String] {
            var common = Self.common(old)
            common[3] = Self.fixtures + "/ledger-v2-pricing"
            let out = directory.file(name)
            let result = try runCostLedger(["report"] + common + ["--as-of", "2026-12-31T00:00:00Z", "--out", out])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(try runCostLedger(["verify"] + common).exitCode == 0)
            return try Dictionary(uniqueKeysWithValues: FileManager.default.contentsOfDirectory(atPath: out).map {
                ($0, try String(contentsOfFile: out + "/" + $0, encoding: .utf8))
            })
        }
        let readOnly = try await files("read-only")
        #expect(try runTool("sqlite3", [old, "PRAGMA user_version"]) == "2\n")
        // Before section 11 an LLM event was estimated exactly when only a fallback (or no row) priced it.
        let unknown = Self.family("costledger_unknown_model_events_total", in: try #require(readOnly["costledger.prom"])).dropFirst(2)
        let estimated = Self.family("costledger_estimated_events_total", in: try #require(readOnly["costledger.prom"])).dropFirst(2)
        #expect(!unknown.isEmpty && unknown.map { $0.replacingOccurrences(of: "unknown_model", with: "estimated") } == Array(estimated))
        _ = try runCostLedger(["ingest", "--db", old, "--pricing", Self.fixtures + "/ledger-v2-pricing", "-"], stdin: "")
        #expect(try runTool("sqlite3", [old, "PRAGMA user_version"]) == "5\n")
        #expect(try await files("migrated") == readOnly)
    }
}
