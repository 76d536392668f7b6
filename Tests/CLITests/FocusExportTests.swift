import Foundation
import TestSupport
import Testing

/// `costledger export --format focus` on real ledgers: the FOCUS 1.4 file finance tools read
/// (CONTRACT section 14.4), and section 10's FOCUS 1.2 file with `--focus-version 1.2`. The
/// validators themselves run in `scripts/test-focus`.
@Suite("costledger export --format focus")
struct FocusExportTests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// FOCUS 1.2's columns in the contract's order, typed out from section 10.
    static let header12 =
        "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,"
        + "ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountStatus,"
        + "ConsumedQuantity,ConsumedUnit,ContractedCost,EffectiveCost,InvoiceId,InvoiceIssuerName,ListCost,ListUnitPrice,"
        + "PricingQuantity,PricingUnit,ProviderName,PublisherName,ServiceCategory,ServiceName,ServiceSubcategory,SkuId,SkuMeter,"
        + "SkuPriceDetails,SkuPriceId,SubAccountId,SubAccountName,Tags,x_Requests,x_EstimatedRequests"

    /// FOCUS 1.4's: section 10's without ProviderName and PublisherName, with HostProviderName and
    /// ServiceProviderName in their alphabetical places (section 14.4).
    static let header14 =
        "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,"
        + "ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountStatus,"
        + "ConsumedQuantity,ConsumedUnit,ContractedCost,EffectiveCost,HostProviderName,InvoiceId,InvoiceIssuerName,ListCost,"
        + "ListUnitPrice,PricingQuantity,PricingUnit,ServiceCategory,ServiceName,ServiceProviderName,ServiceSubcategory,SkuId,"
        + "SkuMeter,SkuPriceDetails,SkuPriceId,SubAccountId,SubAccountName,Tags,x_Requests,x_EstimatedRequests"

    /// Ingests `events` with `pricing` and exports `[from, to)` as FOCUS (`arguments` appended).
    private func export(
        _ events: [String], pricing: String = Repository.pricing, from: String = "2026-10-01", to: String = "2026-12-01",
        arguments: [String] = []
    ) throws -> (result: CommandResult, file: FocusFile) {
        let file = try directory.write("events.ndjson", events.joined(separator: "\n") + "\n")
        let ingest = try runCostLedger(["ingest", "--db", db, "--pricing", pricing, file])
        #expect(ingest.exitCode == 0, "\(ingest.stdout) \(ingest.stderr)")
        let result = try runCostLedger(
            ["export", "--db", db, "--pricing", pricing, "--format", "focus", "--from", from, "--to", to] + arguments)
        return (result, FocusFile(result.stdout))
    }

    @Test("two batch gpt-4o events of one tenant in one hour make one row per component, exact and unrounded")
    func batchRows() throws {
        defer { directory.remove() }
        let (result, file) = try export([
            Event.llm("b1", at: "2026-10-15T09:05:00Z", worker: "w1", model: "gpt-4o", input: 10000, output: 3000, batch: true),
            Event.llm("b2", at: "2026-10-15T09:40:00.500Z", worker: "w2", model: "gpt-4o", input: 6001, output: 1001, batch: true),
            Event.llm("n1", at: "2026-10-15T09:59:59.999Z", worker: "w1", model: "gpt-4o", input: 1000, output: 0),
            Event.llm("n2", at: "2026-10-15T10:00:00Z", worker: "w1", model: "gpt-4o", input: 1000, output: 0),
            Event.llm("g1", at: "2026-10-15T09:30:00Z", tenant: "globex", worker: "w1", model: "gpt-4o", input: 1000, output: 0, batch: true),
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // Hour 09, acme first, then SkuId order; n1 has no output row (0 tokens); n2 is in hour 10.
        #expect(
            file.rows.map { "\($0["ChargePeriodStart"]!) \($0["SubAccountId"]!) \($0["SkuId"]!)" } == [
                "2026-10-15T09:00:00Z acme openai/gpt-4o/input",
                "2026-10-15T09:00:00Z acme openai/gpt-4o/input/batch",
                "2026-10-15T09:00:00Z acme openai/gpt-4o/output/batch",
                "2026-10-15T09:00:00Z globex openai/gpt-4o/input/batch",
                "2026-10-15T10:00:00Z acme openai/gpt-4o/input",
            ])
        // Output: 3000 + 1001 = 4001 tokens × 10.00 / 1M = 0.04001 list; × (1 - 0.5) = 0.020005 billed.
        // Workers differ (w1, w2), so Tags keeps only the operation.
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == Self.header14)
        let expectedOutput: String = [
            #"0.020005,openai,openai,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,gpt-4o output tokens (batch),"#,
            #"Usage-Based,2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,4001.0,Tokens,0.04001,0.020005,openai,,openai,0.04001,10.0,"#,
            #"0.004001,1000000 Tokens,AI and Machine Learning,openai,openai,Generative AI,openai/gpt-4o/output/batch,"#,
            #"output,"{""x_Component"":""output""}",openai/gpt-4o/output/batch@2025-01-01,acme,acme,"#,
            #""{""operation"":""classification""}",2,0"#,
        ].joined()
        #expect(lines.count > 3 && lines[3] == expectedOutput)
        // Input: 10000 + 6001 = 16001 tokens × 2.50 / 1M = 0.0400025 list, 0.02000125 billed.
        let input = file.row("acme", "openai/gpt-4o/input/batch")
        #expect(input?["ListCost"] == "0.0400025" && input?["ContractedCost"] == "0.0400025")
        #expect(input?["BilledCost"] == "0.02000125" && input?["EffectiveCost"] == "0.02000125")
        #expect(input?["PricingQuantity"] == "0.016001" && input?["ListUnitPrice"] == "2.5")
        // n1 alone: 1000 × 2.50 / 1M = 0.0025, at list price; one worker, so both tags.
        let plain = file.rows[0]
        #expect(plain["ListCost"] == "0.0025" && plain["BilledCost"] == "0.0025")
        #expect(plain["Tags"] == #"{"operation":"classification","worker":"w1"}"#)
        #expect(plain["ChargeDescription"] == "gpt-4o input tokens" && plain["x_Requests"] == "1")
        #expect(file.rows[4]["ChargePeriodEnd"] == "2026-10-15T11:00:00Z")
    }

    @Test("free-quota calls are rows of their own with BilledCost 0 and their ListCost; errored and unpriced calls have none")
    func freeQuotaRows() throws {
        defer { directory.remove() }
        // hunter email_finder: 0.03 a call, 25 free a month for all tenants together, in ledger order.
        var events = (0..<24).map { Event.api("h\($0)", at: "2026-10-20T08:\(twoDigits($0)):00Z", service: "hunter", operation: "email_finder") }
        events += [
            Event.api("h24", at: "2026-10-20T09:00:00Z", tenant: "globex", service: "hunter", operation: "email_finder"),
            Event.api("herr", at: "2026-10-20T09:05:00Z", service: "hunter", operation: "email_finder", status: "error"),
            Event.api("h25", at: "2026-10-20T09:10:00Z", service: "hunter", operation: "email_finder"),
            Event.api("h26", at: "2026-10-20T09:20:00Z", worker: "prospector", service: "hunter", operation: "email_finder"),
            Event.api("terr", at: "2026-10-20T09:30:00Z", service: "termene", operation: "company_info", status: "error"),
            Event.api("geo", at: "2026-10-20T09:31:00Z", service: "acme-geo", operation: "lookup"),
            Event.api("mail", at: "2026-10-20T09:40:00Z", service: "resend", operation: "email_batch", units: 120),
        ]
        let (result, file) = try export(events)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            file.rows.map { "\($0["ChargePeriodStart"]!) \($0["SubAccountId"]!) \($0["SkuId"]!) \($0["BilledCost"]!)" } == [
                "2026-10-20T08:00:00Z acme hunter/email_finder/call 0.0",
                "2026-10-20T09:00:00Z acme hunter/email_finder/call 0.06",
                "2026-10-20T09:00:00Z acme resend/email_batch/call 0.0",
                "2026-10-20T09:00:00Z acme resend/email_batch/unit 0.096",
                "2026-10-20T09:00:00Z globex hunter/email_finder/call 0.0",
            ])
        // 24 free calls at 08: 24 × 0.03 = 0.72 list, nothing billed.
        let morning = file.rows[0]
        #expect(morning["ListCost"] == "0.72" && morning["ContractedCost"] == "0.72" && morning["EffectiveCost"] == "0.0")
        #expect(morning["ConsumedQuantity"] == "24.0" && morning["PricingQuantity"] == "24.0" && morning["x_Requests"] == "24")
        #expect(morning["PricingUnit"] == "Requests" && morning["ConsumedUnit"] == "Requests" && morning["ListUnitPrice"] == "0.03")
        #expect(morning["ChargeDescription"] == "hunter email_finder calls (free quota)")
        // FOCUS 1.4's catch-all subcategory names its category; the provider both provides and hosts the service.
        #expect(morning["ServiceCategory"] == "Other" && morning["ServiceSubcategory"] == "Other (Other)")
        #expect(morning["ServiceProviderName"] == "hunter" && morning["HostProviderName"] == "hunter")
        #expect(morning["InvoiceIssuerName"] == "hunter" && morning["ProviderName"] == nil && morning["PublisherName"] == nil)
        #expect(morning["SkuPriceId"] == "hunter/email_finder/call@2025-01-01" && morning["SkuMeter"] == "call")
        // The 25th call of the month (globex) is the last free one: one call, ListCost 0.03, BilledCost 0.
        let free = file.rows[4]
        #expect(free["BilledCost"] == "0.0" && free["ListCost"] == "0.03" && free["x_Requests"] == "1")
        #expect(free["Tags"] == #"{"operation":"email_finder","worker":"enrich"}"#)
        // The 26th and 27th pay list price; the errored call between them is not a request and consumes no quota.
        let paid = file.rows[1]
        #expect(paid["ListCost"] == "0.06" && paid["x_Requests"] == "2" && paid["Tags"] == #"{"operation":"email_finder"}"#)
        // resend: 120 units × 0.0008 = 0.096; the call itself is a request at price 0.
        #expect(file.rows[3]["PricingQuantity"] == "120.0" && file.rows[3]["PricingUnit"] == "Units")
        #expect(file.rows[2]["ListUnitPrice"] == "0.0" && file.rows[2]["ListCost"] == "0.0")
    }

    @Test("long-context, cache-write and fallback-priced requests: SKUs of their own, estimated requests counted")
    func tiersAndFallbacks() throws {
        defer { directory.remove() }
        let (result, file) = try export([
            Event.llm("long", at: "2026-10-15T09:00:00Z", provider: "google", model: "gemini-2.5-pro", input: 250_000, output: 2000),
            Event.llm("both", at: "2026-10-15T09:01:00Z", provider: "google", model: "gemini-2.5-pro", input: 200_001, output: 0, batch: true),
            Event.llm(
                "cw", at: "2026-10-15T09:02:00Z", provider: "anthropic", model: "claude-sonnet-4", input: 12000, output: 500, cached: 3000,
                cacheWrite: 4000),
            Event.llm("guess", at: "2026-10-15T09:03:00Z", provider: "mistral", model: "large", input: 1000, output: 100),
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // Above 200,000 input tokens gemini-2.5-pro costs 2.50 in / 15.00 out: 250,000 × 2.50 / 1M = 0.625.
        let long = file.row("acme", "google/gemini-2.5-pro/input/long")
        #expect(long?["ListUnitPrice"] == "2.5" && long?["PricingQuantity"] == "0.25" && long?["ListCost"] == "0.625")
        #expect(long?["ChargeDescription"] == "gemini-2.5-pro input tokens (long context)")
        #expect(file.row("acme", "google/gemini-2.5-pro/output/long")?["ListCost"] == "0.03")
        // Batch and long: 200,001 × 2.50 / 1M = 0.5000025 list, half of it billed.
        let both = file.row("acme", "google/gemini-2.5-pro/input/batch/long")
        #expect(both?["ListCost"] == "0.5000025" && both?["BilledCost"] == "0.25000125")
        #expect(both?["SkuPriceId"] == "google/gemini-2.5-pro/input/batch/long@2025-01-01")
        // claude-sonnet-4 is an alias; the SKU keeps the model as sent. 5000 plain × 3.00, 3000 read × 0.30,
        // 4000 written × 3.75, 500 out × 15.00.
        #expect(file.row("acme", "anthropic/claude-sonnet-4/input")?["ListCost"] == "0.015")
        #expect(file.row("acme", "anthropic/claude-sonnet-4/cached_input")?["ListCost"] == "0.0009")
        let write = file.row("acme", "anthropic/claude-sonnet-4/cache_write")
        #expect(write?["ListCost"] == "0.015" && write?["ListUnitPrice"] == "3.75")
        #expect(write?["SkuPriceId"] == "anthropic/claude-sonnet-4/cache_write@2025-01-01")
        #expect(file.row("acme", "anthropic/claude-sonnet-4/output")?["ListCost"] == "0.0075")
        // mistral/large has no row: the `*,*` row from 2020-01-01 (5.00 / 15.00) prices it, as an estimate.
        let guess = file.row("acme", "mistral/large/input")
        #expect(guess?["SkuPriceId"] == "mistral/large/input@2020-01-01" && guess?["ListCost"] == "0.005")
        #expect(guess?["x_EstimatedRequests"] == "1" && guess?["x_Requests"] == "1")
        #expect(file.row("acme", "google/gemini-2.5-pro/input/long")?["x_EstimatedRequests"] == "0")
        #expect(file.rows.count == 9)
    }

    @Test("amounts are unrounded: a half nano-USD the ledger rounded away stays in the FOCUS file")
    func unroundedAmounts() throws {
        defer { directory.remove() }
        // claude-haiku-4 batch, 2 input tokens of which 1 cached: 1 × 0.25 / 1M + 1 × 0.025 / 1M = 275 nano-USD list,
        // half of it billed: 137.5 nano-USD, which the ledger stores as 138 (half to even).
        let (result, file) = try export([
            Event.llm("tiny", at: "2026-11-03T00:00:00Z", provider: "anthropic", model: "claude-haiku-4", input: 2, output: 0, cached: 1, batch: true)
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let csv = try runCostLedger(["export", "--db", db, "--from", "2026-11-01", "--to", "2026-12-01"])
        #expect(csv.stdout.hasSuffix(",0.000000138,false,batch,0,0,0,0,0,0,0,,anthropic/claude-haiku-4-20250514@2025-01-01,2026-11,false,,\n"))
        #expect(file.rows.map { $0["SkuId"]! } == ["anthropic/claude-haiku-4/cached_input/batch", "anthropic/claude-haiku-4/input/batch"])
        #expect(file.rows.map { $0["ListCost"]! } == ["0.000000025", "0.00000025"])
        #expect(file.rows.map { $0["BilledCost"]! } == ["0.0000000125", "0.000000125"])
        #expect(file.rows.map { $0["PricingQuantity"]! } == ["0.000001", "0.000001"])
    }

    @Test("events with no price row have no rows; an empty range is the header alone")
    func unpricedEvents() throws {
        defer { directory.remove() }
        let pricing = directory.file("pricing")
        try directory.write(
            "pricing/llm.csv",
            (try String(contentsOfFile: Repository.pricing + "/llm.csv", encoding: .utf8))
                .split(separator: "\n").filter { !$0.hasPrefix("*,*") }.joined(separator: "\n") + "\n")
        try directory.write("pricing/services.csv", try String(contentsOfFile: Repository.pricing + "/services.csv", encoding: .utf8))
        let (result, file) = try export(
            [
                Event.llm("known", at: "2026-11-02T10:00:00Z", model: "gpt-4o", input: 100, output: 0),
                Event.llm("nowhere", at: "2026-11-02T10:01:00Z", provider: "mistral", model: "large", input: 100, output: 10),
                Event.api("err", at: "2026-11-02T10:02:00Z", service: "termene", operation: "company_info", status: "error"),
                Event.api("geo", at: "2026-11-02T10:03:00Z", service: "acme-geo", operation: "lookup"),
                Event.api("ok", at: "2026-11-02T10:04:00Z", service: "termene", operation: "company_info"),
            ], pricing: pricing)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(file.rows.map { $0["SkuId"]! } == ["openai/gpt-4o/input", "termene/company_info/call"])
        #expect(file.rows.map { $0["x_Requests"]! } == ["1", "1"])
        // All five are in the ledger all the same.
        let csv = try runCostLedger(["export", "--db", db, "--from", "2026-11-01", "--to", "2026-12-01"])
        #expect(csv.stdout.split(separator: "\n").count == 6)

        let empty = try runCostLedger(
            ["export", "--db", db, "--pricing", pricing, "--format", "focus", "--from", "2026-12-01", "--to", "2027-01-01"])
        #expect(empty.exitCode == 0 && empty.stdout == Self.header14 + "\n")
        let tenant = try runCostLedger(
            ["export", "--db", db, "--pricing", pricing, "--format", "focus", "--from", "2026-11-01", "--to", "2026-12-01", "--tenant", "globex"])
        #expect(tenant.stdout == Self.header14 + "\n")
    }

    @Test("a price table that no longer gives a stored cost stops the export: exit 1, nothing written")
    func priceMismatch() throws {
        defer { directory.remove() }
        let events = [Event.llm("e1", at: "2026-11-02T10:00:00Z", model: "gpt-4o", input: 100, output: 0)]
        _ = try export(events)
        try directory.write(
            "repriced/llm.csv",
            try String(contentsOfFile: Repository.pricing + "/llm.csv", encoding: .utf8)
                .replacingOccurrences(of: "openai,gpt-4o,2025-01-01,2.50", with: "openai,gpt-4o,2025-01-01,2.60"))
        try directory.write("repriced/services.csv", try String(contentsOfFile: Repository.pricing + "/services.csv", encoding: .utf8))
        let out = directory.file("focus.csv")
        let result = try runCostLedger(
            [
                "export", "--db", db, "--pricing", directory.file("repriced"), "--format", "focus", "--from", "2026-11-01", "--to",
                "2026-12-01", "--out", out,
            ])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("sequence 1") && result.stderr.contains("e1"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let wrongFormat = try runCostLedger(["export", "--db", db, "--format", "xml", "--from", "2026-11-01", "--to", "2026-12-01"])
        #expect(wrongFormat.exitCode == 2 && wrongFormat.stderr.contains("csv, json, focus"))
    }

    @Test("--focus-version 1.2 writes section 10's file byte for byte; other versions and csv with a version are exit 2")
    func version12() throws {
        defer { directory.remove() }
        let (result, _) = try export(
            [
                Event.llm("b1", at: "2026-10-15T09:05:00Z", worker: "w1", model: "gpt-4o", input: 10000, output: 3000, batch: true),
                Event.api(
                    "m1", at: "2026-10-15T09:40:00Z", tenant: "globex", worker: "notify", service: "resend", operation: "email_batch",
                    units: 120),
            ], arguments: ["--focus-version", "1.2"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // gpt-4o batch: 10000 × 2.50 / 1M = 0.025 list, half billed; 3000 × 10.00 / 1M = 0.03 list, half billed.
        // resend: a call at price 0 and 120 units × 0.0008 = 0.096. ProviderName and PublisherName, and the
        // subcategory "Other", as section 10 has them (the file the code before FOCUS 1.4 wrote, byte for byte).
        let expected: [String] = [
            Self.header12,
            #"0.0125,openai,openai,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,gpt-4o input tokens (batch),Usage-Based,"#
                + #"2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,10000.0,Tokens,0.025,0.0125,,openai,0.025,2.5,0.01,1000000 Tokens,"#
                + #"openai,openai,AI and Machine Learning,openai,Generative AI,openai/gpt-4o/input/batch,input,"#
                + #""{""x_Component"":""input""}",openai/gpt-4o/input/batch@2025-01-01,acme,acme,"#
                + #""{""operation"":""classification"",""worker"":""w1""}",1,0"#,
            #"0.015,openai,openai,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,gpt-4o output tokens (batch),Usage-Based,"#
                + #"2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,3000.0,Tokens,0.03,0.015,,openai,0.03,10.0,0.003,1000000 Tokens,"#
                + #"openai,openai,AI and Machine Learning,openai,Generative AI,openai/gpt-4o/output/batch,output,"#
                + #""{""x_Component"":""output""}",openai/gpt-4o/output/batch@2025-01-01,acme,acme,"#
                + #""{""operation"":""classification"",""worker"":""w1""}",1,0"#,
            #"0.0,resend,resend,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,resend email_batch calls,Usage-Based,"#
                + #"2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,1.0,Requests,0.0,0.0,,resend,0.0,0.0,1.0,Requests,resend,resend,"#
                + #"Other,resend,Other,resend/email_batch/call,call,"{""x_Component"":""call""}",resend/email_batch/call@2025-01-01,"#
                + #"globex,globex,"{""operation"":""email_batch"",""worker"":""notify""}",1,0"#,
            #"0.096,resend,resend,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,resend email_batch units,Usage-Based,"#
                + #"2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,120.0,Units,0.096,0.096,,resend,0.096,0.0008,120.0,Units,resend,resend,"#
                + #"Other,resend,Other,resend/email_batch/unit,unit,"{""x_Component"":""unit""}",resend/email_batch/unit@2025-01-01,"#
                + #"globex,globex,"{""operation"":""email_batch"",""worker"":""notify""}",1,0"#,
        ]
        #expect(result.stdout == expected.joined(separator: "\n") + "\n")

        // 1.4, asked for by name, is the default's file.
        let range = ["--pricing", Repository.pricing, "--from", "2026-10-01", "--to", "2026-12-01"]
        let named = try runCostLedger(["export", "--db", db, "--format", "focus", "--focus-version", "1.4"] + range)
        let byDefault = try runCostLedger(["export", "--db", db, "--format", "focus"] + range)
        #expect(named.exitCode == 0 && named.stdout == byDefault.stdout && named.stdout.hasPrefix(Self.header14 + "\n"))

        let unknown = try runCostLedger(["export", "--db", db, "--format", "focus", "--focus-version", "1.3"] + range)
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("--focus-version must be 1.2 or 1.4, not 1.3"), "\(unknown.stderr)")
        let csv = try runCostLedger(["export", "--db", db, "--focus-version", "1.2"] + range)
        #expect(csv.exitCode == 2 && csv.stderr.contains("--focus-version applies only to --format focus"), "\(csv.stderr)")
    }

    @Test("the sample ledger: BilledCost adds up to the stored costs within half a nano-USD per event; one row per key, hour by hour")
    func sampleTotals() throws {
        defer { directory.remove() }
        let sample = Repository.root + "/samples/events.ndjson"
        let common = ["--db", db, "--pricing", Repository.pricing]
        #expect(try runCostLedger(["ingest"] + common + [sample]).exitCode == 0)
        let out = directory.file("focus.csv")
        let result = try runCostLedger(["export"] + common + ["--format", "focus", "--from", "2026-10-01", "--to", "2026-12-01", "--out", out])
        #expect(result.exitCode == 0 && result.stdout.isEmpty, "\(result.stderr)")
        let file = FocusFile(try String(contentsOfFile: out, encoding: .utf8))
        #expect(file.header == Self.header14.split(separator: ",").map(String.init))

        // Ledger: the csv export's cost_usd, exactly 9 decimals, as integers at 18 decimals (atto-USD).
        let csv = try runCostLedger(["export"] + common + ["--from", "2026-10-01", "--to", "2026-12-01"])
        let ledgerRows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let events = Int128(ledgerRows.count)
        let stored = ledgerRows.reduce(Int128(0)) { $0 + atto($1[18]) }
        let billed = file.rows.reduce(Int128(0)) { $0 + atto($1["BilledCost"]!) }
        #expect(events == 400)
        // |Σ exact − Σ rounded| ≤ events × 0.5e-9 USD, i.e. 2 × |diff| ≤ events × 1e9 atto-USD.
        let difference = billed - stored
        #expect(2 * (difference < 0 ? -difference : difference) <= events * 1_000_000_000, "billed \(billed) stored \(stored)")
        #expect(stored > 0)

        // Every row: ListCost = ListUnitPrice × PricingQuantity exactly, BilledCost ≤ ListCost, EffectiveCost = BilledCost.
        for row in file.rows {
            // Both factors have at most 6 decimals, so the product has at most 12.
            let product = scaled(row["ListUnitPrice"]!, 6) * scaled(row["PricingQuantity"]!, 6)
            #expect(product == scaled(row["ListCost"]!, 12), "\(row)")
            #expect(atto(row["BilledCost"]!) <= atto(row["ListCost"]!) && row["EffectiveCost"] == row["BilledCost"])
        }
        // Requests over the input-bearing rows: each LLM event has input or output tokens; each priced API call one call row.
        let callRequests = file.rows.filter { $0["SkuMeter"] == "call" }.reduce(0) { $0 + Int($1["x_Requests"]!)! }
        let apiEvents = ledgerRows.filter { $0[4] == "api" && $0[11] == "success" }.count
        #expect(callRequests == apiEvents)

        // Rows come hour by hour, and no two share hour, tenant, SkuPriceId and billing.
        let starts = file.rows.map { $0["ChargePeriodStart"]! }
        #expect(starts == starts.sorted())
        let keys = file.rows.map { [$0["ChargePeriodStart"]!, $0["SubAccountId"]!, $0["SkuPriceId"]!, $0["BilledCost"] == "0.0" ? "free" : "list"] }
        #expect(Set(keys).count == keys.count)
    }
}

/// Event JSON for the tests, one line each.
private enum Event {
    static func llm(
        _ id: String, at time: String, tenant: String = "acme", worker: String = "ai-agent-core", operation: String = "classification",
        provider: String = "openai", model: String, input: Int, output: Int, cached: Int = 0, cacheWrite: Int = 0, batch: Bool = false
    ) -> String {
        #"{"id":"\#(id)","kind":"llm","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"\#(worker)","operation":"\#(operation)","#
            + #""provider":"\#(provider)","model":"\#(model)","input_tokens":\#(input),"output_tokens":\#(output),"#
            + #""cached_tokens":\#(cached),"cache_write_tokens":\#(cacheWrite),"batch":\#(batch)}"#
    }

    static func api(
        _ id: String, at time: String, tenant: String = "acme", worker: String = "enrich", service: String, operation: String,
        units: Int = 1, status: String = "success"
    ) -> String {
        #"{"id":"\#(id)","kind":"api","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"\#(worker)","operation":"\#(operation)","#
            + #""service":"\#(service)","units":\#(units),"status":"\#(status)"}"#
    }
}

/// A FOCUS CSV read back: the header and each row by column name.
private struct FocusFile {
    var header: [String] = []
    var rows: [[String: String]] = []

    init(_ text: String) {
        let records = parseCSV(text)
        guard let first = records.first else { return }
        header = first
        rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(first, $0)) }
    }

    /// The only row of `tenant` and `skuID`, if there is exactly one.
    func row(_ tenant: String, _ skuID: String) -> [String: String]? {
        let matches = rows.filter { $0["SubAccountId"] == tenant && $0["SkuId"] == skuID }
        return matches.count == 1 ? matches[0] : nil
    }
}

/// Parses RFC 4180 CSV with `\n` line ends.
private func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var characters = text.makeIterator()
    var pending: Character?
    while let character = pending ?? characters.next() {
        pending = nil
        if quoted {
            if character == "\"" {
                let next = characters.next()
                if next == "\"" {
                    field.append("\"")
                } else {
                    quoted = false
                    pending = next
                }
            } else {
                field.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            record.append(field)
            field = ""
        } else if character == "\n" {
            record.append(field)
            records.append(record)
            record = []
            field = ""
        } else {
            field.append(character)
        }
    }
    return records
}

/// A plain decimal (`"0.020005"`) as an integer count of `10^-scale`.
private func scaled(_ text: some StringProtocol, _ scale: Int) -> Int128 {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    precondition(fraction.count <= scale, "more than \(scale) decimals: \(text)")
    return Int128(String(parts[0]) + fraction + String(repeating: "0", count: scale - fraction.count))!
}

/// A plain decimal as atto-USD (1e-18 USD), the finest scale a FOCUS amount has.
private func atto(_ text: some StringProtocol) -> Int128 { scaled(text, 18) }

private func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
