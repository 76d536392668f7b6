import Foundation
import TestSupport
import Testing

/// Contract section 14 through the real binary, on both stores: a month closed, a late event, a
/// price correction and a quota change appended as adjustments, and what every reader sees.
@Suite("closed months, corrections and late usage")
struct ClosedMonthsCLITests {
    @Test("a closed month's billing export never moves; the late event and the corrections are billed into the next", arguments: StoreKind.available)
    func closeLateAndReprice(_ kind: StoreKind) throws {
        try ClosedMonthsScenario(kind).run()
    }
}

/// One ledger taken through the scenario, on one store.
struct ClosedMonthsScenario {
    /// Prices before the correction: gpt-x 2.00 in / 8.00 out per million tokens; maps/geocode
    /// 0.005 per call with 2 free calls a month.
    static let before = (
        llm: "provider,model,effective_from,input_per_mtok,output_per_mtok\nopenai,gpt-x,2026-01-01,2.00,8.00\n",
        services: "service,operation,effective_from,price_per_call,price_per_unit,free_quota_per_month,quota_scope\n"
            + "maps,geocode,2026-01-01,0.005,,2,global\n"
    )
    /// The corrected prices: gpt-x 1.00 in / 10.00 out; 3 free geocode calls a month.
    static let after = (
        llm: "provider,model,effective_from,input_per_mtok,output_per_mtok\nopenai,gpt-x,2026-01-01,1.00,10.00\n",
        services: "service,operation,effective_from,price_per_call,price_per_unit,free_quota_per_month,quota_scope\n"
            + "maps,geocode,2026-01-01,0.005,,3,global\n"
    )

    static func llm(_ id: String, _ day: String, _ tenant: String, input: Int, output: Int) -> String {
        #"{"id":"\#(id)","kind":"llm","timestamp":"\#(day)T09:00:00Z","tenant_id":"\#(tenant)","worker":"w","operation":"chat","provider":"openai","model":"gpt-x","input_tokens":\#(input),"output_tokens":\#(output)}"#
    }

    static func geocode(_ id: String, _ day: String, _ tenant: String) -> String {
        #"{"id":"\#(id)","kind":"api","timestamp":"\#(day)T09:00:00Z","tenant_id":"\#(tenant)","worker":"w","operation":"geocode","service":"maps","status":"success"}"#
    }

    /// Six events, before any close. Costs under `before` → `after`:
    /// - o1 (seq 1) acme 1000 in, 100 out: 0.002 + 0.0008 = 0.0028 → 0.001 + 0.001 = 0.002 (−0.0008)
    /// - o2 (seq 2) globex 100 in, 1000 out: 0.0002 + 0.008 = 0.0082 → 0.0001 + 0.01 = 0.0101 (+0.0019)
    /// - g1, g2, g3 (seq 3–5) geocode calls: the first two free, g3 0.005 → all three free (−0.005)
    /// - n1 (seq 6) acme, November, as o1: 0.0028 → 0.002 (−0.0008)
    static let events = [
        llm("o1", "2026-10-05", "acme", input: 1000, output: 100), llm("o2", "2026-10-06", "globex", input: 100, output: 1000),
        geocode("g1", "2026-10-10", "acme"), geocode("g2", "2026-10-11", "globex"), geocode("g3", "2026-10-12", "acme"),
        llm("n1", "2026-11-03", "acme", input: 1000, output: 100),
    ].joined(separator: "\n") + "\n"

    /// Accepted after October is closed (seq 8): late, billed into November; 2000 input tokens,
    /// 0.004 → 0.002 (−0.002).
    static let late = llm("o3", "2026-10-20", "acme", input: 2000, output: 0) + "\n"

    let ledger: TestLedger
    let pricingBefore: String
    let pricingAfter: String

    init(_ kind: StoreKind) throws {
        ledger = try TestLedger(kind)
        pricingBefore = ledger.directory.file("before")
        pricingAfter = ledger.directory.file("after")
        for (directory, tables) in [(pricingBefore, Self.before), (pricingAfter, Self.after)] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try tables.llm.write(toFile: directory + "/llm.csv", atomically: true, encoding: .utf8)
            try tables.services.write(toFile: directory + "/services.csv", atomically: true, encoding: .utf8)
        }
    }

    func costledger(_ arguments: [String], pricing: String? = nil, stdin: String? = nil) throws -> CommandResult {
        try runCostLedger(
            [arguments[0], "--db", ledger.dbArgument, "--pricing", pricing ?? pricingBefore] + arguments.dropFirst(), stdin: stdin,
            in: ledger.directory.path)
    }

    /// The line-item columns before section 14's four.
    static let header =
        "sequence,event_id,timestamp,tenant_id,kind,worker,operation,conversation_id,provider,model,service,status,input_tokens,"
        + "output_tokens,cached_tokens,cache_write_tokens,batch,units,cost_usd,estimated,service_tier,cache_write_1h_tokens,"
        + "input_audio_tokens,input_image_tokens,output_audio_tokens,output_image_tokens,reasoning_tokens,web_search_requests,"
        + "provider_cost_usd,price_row,billing_month,late,adjusts_sequence,reason\n"

    static func llmRow(_ sequence: Int, _ id: String, _ day: String, _ tenant: String, _ kind: String, _ tokens: String, _ cost: String, _ tail: String)
        -> String
    {
        "\(sequence),\(id),\(day)T09:00:00.000Z,\(tenant),\(kind),w,chat,,openai,gpt-x,,success,\(tokens),0,0,false,,\(cost),false,"
            + "standard,0,0,0,0,0,0,0,,openai/gpt-x@2026-01-01,\(tail)\n"
    }

    func run() throws {
        defer { ledger.remove() }
        #expect(try costledger(["ingest", "-"], stdin: Self.events).stdout == #"{"accepted":6,"duplicates":0,"late":0,"rejected":[]}"# + "\n")

        // Months close in order, once, after they end.
        let outOfOrder = try costledger(["close", "--month", "2026-11"])
        #expect(outOfOrder.exitCode == 2)
        #expect(outOfOrder.stderr.contains("2026-10 has events and is not closed: close it before 2026-11"), "\(outOfOrder.stderr)")
        let future = try costledger(["close", "--month", "2099-01"])
        #expect(future.exitCode == 2 && future.stderr.contains("2099-01 has not ended yet"), "\(future.stderr)")
        let october = try costledger(["export", "--billing-month", "2026-10"])
        #expect(october.exitCode == 0, "\(october.stderr)")
        #expect(try costledger(["close", "--month", "2026-10"]).stdout == "closed 2026-10 at sequence 7\n")
        let twice = try costledger(["close", "--month", "2026-10"])
        #expect(twice.exitCode == 2 && twice.stderr.contains("2026-10 is closed already"), "\(twice.stderr)")
        let earlier = try costledger(["close", "--month", "2026-09"])
        #expect(earlier.exitCode == 2 && earlier.stderr.contains("2026-09 is before 2026-10, the last closed month"), "\(earlier.stderr)")

        // A late event is accepted, counted, and billed into November.
        #expect(try costledger(["ingest", "-"], stdin: Self.late).stdout == #"{"accepted":1,"duplicates":0,"late":1,"rejected":[]}"# + "\n")
        #expect(try costledger(["verify"]).stdout == "ok 7 events (1 closes, 0 adjustments)\n")

        // The dry run counts per tenant and writes nothing.
        let bytesBefore = try ledger.query("SELECT count(*) FROM adjustments")
        let dryRun = try costledger(["reprice", "--reason", "gpt-x price corrected, quota raised", "--dry-run"], pricing: pricingAfter)
        #expect(dryRun.exitCode == 0, "\(dryRun.stderr)")
        #expect(
            dryRun.stdout
                == "acme: 4 adjustments, -0.008600000 USD\nglobex: 1 adjustments, 0.001900000 USD\n"
                + "would append 5 adjustments, -0.006700000 USD, 7 events priced again (dry run: nothing written)\n")
        #expect(try ledger.query("SELECT count(*) FROM adjustments") == bytesBefore)

        // The new tables price the ledger differently from what it billed: verify says so.
        let drifted = try costledger(["verify"], pricing: pricingAfter)
        #expect(drifted.exitCode == 1)
        #expect(drifted.stdout == "5 events are priced differently by the current tables (first at sequence 1): run costledger reprice\n")

        let reprice = try costledger(["reprice", "--reason", "gpt-x price corrected, quota raised"], pricing: pricingAfter)
        #expect(reprice.stdout.hasSuffix("appended 5 adjustments, -0.006700000 USD, 7 events priced again\n"), "\(reprice.stdout)\(reprice.stderr)")
        let again = try costledger(["reprice", "--reason", "again"], pricing: pricingAfter)
        #expect(again.stdout == "appended 0 adjustments, 0.000000000 USD, 7 events priced again\n")
        #expect(try costledger(["verify"], pricing: pricingAfter).stdout == "ok 7 events (1 closes, 5 adjustments)\n")

        // October's billing export is what it was before the close, the late event and the corrections.
        #expect(try costledger(["export", "--billing-month", "2026-10"], pricing: pricingAfter).stdout == october.stdout)
        #expect(october.stdout.split(separator: "\n").count == 6)

        // November holds n1, the late o3, and the five adjustments (ledger order; 0.0028 + 0.004 − 0.0067 = 0.0001).
        let reason = "\"gpt-x price corrected, quota raised\""
        let geocodeAdjustment =
            "11,g3,2026-10-12T09:00:00.000Z,acme,adjustment,w,geocode,,,,maps,success,,,,,,1,-0.005000000,false,,,,,,,,,,"
            + "maps/geocode@2026-01-01,2026-11,false,5,\(reason)\n"
        let november =
            Self.header
            + Self.llmRow(6, "n1", "2026-11-03", "acme", "llm", "1000,100", "0.002800000", "2026-11,false,,")
            + Self.llmRow(8, "o3", "2026-10-20", "acme", "llm", "2000,0", "0.004000000", "2026-11,true,,")
            + Self.llmRow(9, "o1", "2026-10-05", "acme", "adjustment", "1000,100", "-0.000800000", "2026-11,false,1,\(reason)")
            + Self.llmRow(10, "o2", "2026-10-06", "globex", "adjustment", "100,1000", "0.001900000", "2026-11,false,2,\(reason)")
            + geocodeAdjustment
            + Self.llmRow(12, "n1", "2026-11-03", "acme", "adjustment", "1000,100", "-0.000800000", "2026-11,false,6,\(reason)")
            + Self.llmRow(13, "o3", "2026-10-20", "acme", "adjustment", "2000,0", "-0.002000000", "2026-11,false,8,\(reason)")
        #expect(try costledger(["export", "--billing-month", "2026-11"], pricing: pricingAfter).stdout == november)

        // By charge time, October costs what the corrected tables say: o1 0.002 + o2 0.0101 + o3 0.002, the calls free.
        let byChargeTime = try costledger(["export", "--from", "2026-10-01", "--to", "2026-11-01", "--format", "json"], pricing: pricingAfter)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(byChargeTime.stdout.utf8)) as? [[String: Any]])
        let nanos = rows.compactMap { ($0["cost_usd"] as? String).flatMap { Decimal(string: $0) } }.reduce(0, +)
        #expect(nanos == Decimal(string: "0.0141"))
        #expect(rows.count == 10 && rows.filter { $0["kind"] as? String == "adjustment" }.count == 4)

        // FOCUS: the regular rows re-derived from the tables the events were priced with, each
        // adjustment a Correction row at its event's hour, billed in November.
        let focus = try costledger(["export", "--format", "focus", "--billing-month", "2026-11"])
        #expect(focus.exitCode == 0, "\(focus.stderr)")
        let focusRows = focus.stdout.split(separator: "\n").dropFirst()
        #expect(focusRows.filter { $0.contains(",Correction,") }.count == 5, "\(focus.stdout)")
        #expect(focusRows.allSatisfy { $0.contains("2026-11-01T00:00:00Z") }, "\(focus.stdout)")

        try checkReport()
        try checkCopyAndTampering()
    }

    /// The report's corrections and late-event files and the textfile's families.
    func checkReport() throws {
        let out = ledger.directory.file("report")
        // As of the end of November: o3 is billed in November; the corrections were recorded later (today).
        let report = try costledger(["report", "--out", out, "--as-of", "2026-11-30T12:00:00Z"], pricing: pricingAfter)
        #expect(report.exitCode == 0, "\(report.stderr)")
        #expect(
            try String(contentsOfFile: out + "/late-events-2026-11-30.csv", encoding: .utf8)
                == "sequence,event_id,tenant_id,timestamp,billing_month,cost_usd\n8,o3,acme,2026-10-20T09:00:00.000Z,2026-11,0.004000000\n")
        #expect(
            try String(contentsOfFile: out + "/corrections-2026-11-30.csv", encoding: .utf8)
                == "sequence,adjusts_sequence,tenant_id,charge_time,cost_delta_usd,price_row,reason\n")
        // The page lists the late event under what needs attention, with the CSV's digits.
        let page = try String(contentsOfFile: out + "/report-2026-11-30.html", encoding: .utf8)
        #expect(page.contains(#"<data value="0.004000000" data-of="late-events|8|cost_usd">0.004000000</data>"#))
        #expect(page.contains("late-events-2026-11-30.csv") && !page.contains("corrections-2026-11-30.csv"))
        // The budgets of the usage days hold the corrected spend: acme's October is o1 0.002 + o3 0.002, globex's o2 0.0101.
        let budgets = try costledger(["budgets", "--as-of", "2026-10-31T12:00:00Z", "--format", "csv"], pricing: pricingAfter)
        let monthSpend = budgets.stdout.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(cells[0])=\(cells[8])"
        }
        #expect(monthSpend == ["acme=0.004000000", "globex=0.010100000"], "\(budgets.stdout)")

        let now = try costledger(["report", "--out", out], pricing: pricingAfter)
        #expect(now.exitCode == 0, "\(now.stderr)")
        let date = String(try #require(FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasPrefix("corrections-") && $0 != "corrections-2026-11-30.csv" })
            .dropFirst("corrections-".count).prefix(10))
        let corrections = try String(contentsOfFile: out + "/corrections-\(date).csv", encoding: .utf8)
        #expect(
            corrections.split(separator: "\n").map { $0.split(separator: ",").prefix(5).joined(separator: ",") } == [
                "sequence,adjusts_sequence,tenant_id,charge_time,cost_delta_usd", "9,1,acme,2026-10-05T09:00:00.000Z,-0.000800000",
                "10,2,globex,2026-10-06T09:00:00.000Z,0.001900000", "11,5,acme,2026-10-12T09:00:00.000Z,-0.005000000",
                "12,6,acme,2026-11-03T09:00:00.000Z,-0.000800000", "13,8,acme,2026-10-20T09:00:00.000Z,-0.002000000",
            ])
        let todaysPage = try String(contentsOfFile: out + "/report-\(date).html", encoding: .utf8)
        #expect(todaysPage.contains(#"<data value="0.001900000" data-of="corrections|10|cost_delta_usd">0.001900000</data>"#))
        let textfile = try String(contentsOfFile: out + "/costledger.prom", encoding: .utf8)
        for line in [
            #"cerniq_etapa3_llm_cost_adjustment_usd_total{tenant_id="acme",direction="credit"} 0.008600000"#,
            #"cerniq_etapa3_llm_cost_adjustment_usd_total{tenant_id="globex",direction="debit"} 0.001900000"#,
            "cerniq_etapa3_costledger_late_events_total 1", "cerniq_etapa3_costledger_last_closed_month_end_timestamp_seconds 1793491200",
            // The events' own cost: o1 0.0028 + n1 0.0028 + o3 0.004, not the corrected 0.006.
            #"cerniq_etapa3_llm_cost_usd_total{tenant_id="acme",provider="openai",model="gpt-x",operation="chat",worker="w"} 0.009600000"#,
        ] {
            #expect(textfile.contains(line + "\n"), "\(line)")
        }
    }

    /// A copy carries every kind of record over; an altered adjustment is tampering, found at its sequence.
    func checkCopyAndTampering() throws {
        let copy = ledger.directory.file("copy.sqlite")
        let copied = try runCostLedger(["copy", "--from", ledger.dbArgument, "--to", copy, "--pricing", pricingAfter, "--quiet"])
        #expect(copied.exitCode == 0, "\(copied.stderr)")
        #expect(
            try runCostLedger(["verify", "--db", copy, "--pricing", pricingAfter]).stdout == "ok 7 events (1 closes, 5 adjustments)\n")
        for month in ["2026-10", "2026-11"] {
            #expect(
                try runCostLedger(["export", "--db", copy, "--pricing", pricingAfter, "--billing-month", month]).stdout
                    == (try costledger(["export", "--billing-month", month], pricing: pricingAfter)).stdout)
        }

        switch ledger.kind {
        case .sqlite:
            _ = try ledger.query("DROP TRIGGER adjustments_append_only_update; UPDATE adjustments SET cost_delta_nanos = 0 WHERE seq = 10")
        case .postgres:
            _ = try ledger.query(
                "ALTER TABLE adjustments DISABLE TRIGGER adjustments_append_only; UPDATE adjustments SET cost_delta_nanos = 0 WHERE seq = 10")
        }
        let tampered = try costledger(["verify"], pricing: pricingAfter)
        #expect(tampered.exitCode == 1)
        #expect(tampered.stdout == "broken at sequence 10: hash does not match the chain: the row was altered\n")
    }
}
