import Foundation
import TestSupport
import Testing

/// `costledger prices`, `prices check` and `quote`'s section-11 options (contract 11.2–11.4), through the real binary.
@Suite("costledger prices, prices check, quote with section 11's counts")
struct PricesCLITests {
    let directory: TemporaryDirectory
    var pricing: String { directory.path }

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Writes a pricing directory: `llm` as `llm.csv`, an empty `services.csv`, and `catalogue` when given.
    func writePricing(_ llm: String, catalogue: String? = nil, services: String = Self.servicesHeader) throws {
        try directory.write("llm.csv", llm)
        try directory.write("services.csv", services)
        if let catalogue { try directory.write("catalogue/llm.csv", catalogue) }
    }

    static let servicesHeader = "service,operation,effective_from,price_per_call,price_per_unit,free_quota_per_month,quota_scope\n"

    func prices(_ arguments: [String]) throws -> CommandResult {
        try runCostLedger(["prices", "--pricing", pricing] + arguments)
    }

    func resolved(_ model: String) throws -> String {
        let result = try prices(["--provider", "acme", "--model", model, "--at", "2026-06-01"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").first { $0.hasPrefix("resolved:") }.map(String.init) ?? result.stdout
    }

    static let fallbackRow = "*,*,,2020-01-01,5,15\n"

    @Test("an exact id beats an earlier pattern, the first matching pattern wins, ids and aliases fold case")
    func patternResolution() throws {
        defer { directory.remove() }
        // Given two patterns before an exact id, in that order: fast-12 matches both (the regex is first),
        // fast-x only the glob; fast-exact is an exact id even though both patterns come first.
        try writePricing(
            """
            provider,model,aliases,effective_from,input_per_mtok,output_per_mtok
            acme,re:^fast-\\d+$,,2026-01-01,1,2
            acme,fast*,,2026-01-01,3,4
            acme,fast-exact,,2026-01-01,5,6
            acme,turbo,turbo-latest;Turbo-2026,2026-01-01,7,8

            """ + Self.fallbackRow)
        let file = directory.file("llm.csv")
        #expect(try resolved("fast-exact") == "resolved:       exact id of acme,fast-exact in \(file) (the operator's)")
        #expect(try resolved("FAST-Exact") == "resolved:       exact id of acme,fast-exact in \(file) (the operator's)")
        #expect(try resolved("fast-12") == "resolved:       pattern 're:^fast-\\d+$' of acme,re:^fast-\\d+$ in \(file) (the operator's)")
        #expect(try resolved("FAST-12") == "resolved:       pattern 're:^fast-\\d+$' of acme,re:^fast-\\d+$ in \(file) (the operator's)")
        #expect(try resolved("fast-x") == "resolved:       pattern 'fast*' of acme,fast* in \(file) (the operator's)")
        #expect(try resolved("TURBO-2026") == "resolved:       alias 'Turbo-2026' of acme,turbo in \(file) (the operator's)")
        #expect(try resolved("slow") == "resolved:       fallback *,* in \(file) (the operator's), estimated")
        // The whole answer for a pattern: no threshold, so one column; every empty price spelled out.
        let full = try prices(["--provider", "acme", "--model", "fast-x", "--at", "2026-06-01"])
        #expect(full.exitCode == 0)
        #expect(
            full.stdout == """
                acme/fast-x on 2026-06-01
                resolved:       pattern 'fast*' of acme,fast* in \(file) (the operator's)
                estimated:      false
                deprecated:     false
                price row:      acme/fast*@2026-01-01
                standard:       from 2026-01-01, batch discount 0 (empty)
                  input             3.0
                  cache_read        = input 3.0
                  cache_write       = input 3.0
                  cache_write_1h    = cache_write 3.0
                  input_audio       = input 3.0
                  input_image       = input 3.0
                  output            4.0
                  output_audio      = output 4.0
                  output_image      = output 4.0
                  web_search_per_k  0 (empty)
                  request_per_k     0 (empty)
                tier batch:     none (standard prices)
                tier flex:      none (standard prices, estimated)
                tier priority:  none (standard prices, estimated)
                tier fast:      none (standard prices, estimated)

                """)
        // Every key of the provider, one line each, in file order.
        let keys = try prices(["--provider", "acme", "--at", "2026-06-01"])
        #expect(
            keys.stdout == """
                re:^fast-\\d+$ in \(file) (the operator's): from 2026-01-01, input 1.0, output 2.0
                fast* in \(file) (the operator's): from 2026-01-01, input 3.0, output 4.0
                fast-exact in \(file) (the operator's): from 2026-01-01, input 5.0, output 6.0
                turbo in \(file) (the operator's): from 2026-01-01, input 7.0, output 8.0, aliases turbo-latest;Turbo-2026

                """)
        // Before any row of the key, the fallback prices it, and says why.
        let early = try prices(["--provider", "acme", "--model", "turbo", "--at", "2025-12-31"])
        #expect(
            early.stdout.contains(
                "resolved:       fallback *,* in \(file) (the operator's), estimated (acme,turbo has no row in force on 2025-12-31)\n"))
        #expect(early.stdout.contains("estimated:      true\n"))
    }

    /// A standard row with a long-context tier and a flex row that fills in only the input price.
    static let tiered = """
        provider,model,aliases,effective_from,service_tier,input_per_mtok,output_per_mtok,cache_read_per_mtok,long_context_threshold,long_input_per_mtok,long_output_per_mtok,batch_discount
        acme,big,,2026-01-01,,2,8,0.2,1000,4,12,0.5
        acme,big,,2026-01-01,flex,1,,,,,,
        *,*,,2020-01-01,,5,15,,,,,

        """

    @Test("a tier row replaces what it fills in (its input for long requests too) and inherits the rest")
    func tierRowInheritsAndReplaces() throws {
        defer { directory.remove() }
        try writePricing(Self.tiered)
        let result = try prices(["--provider", "acme", "--model", "big", "--at", "2026-06-01"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // Standard: above 1,000 input tokens input 4 and output 12; the empty long cache read keeps 0.2;
        // the empty cache writes take the input in force. Flex: input 1 at every size ('= normal'),
        // everything else the standard pair ('= standard'), the fallbacks then from flex's input 1.
        #expect(
            result.stdout == """
                acme/big on 2026-06-01
                resolved:       exact id of acme,big in \(directory.file("llm.csv")) (the operator's)
                estimated:      false
                deprecated:     false
                price row:      acme/big@2026-01-01
                standard:       from 2026-01-01, batch discount 0.5
                                    normal                  input_tokens > 1000
                  input             2.0                     4.0
                  cache_read        0.2                     = normal 0.2
                  cache_write       = input 2.0             = input 4.0
                  cache_write_1h    = cache_write 2.0       = cache_write 4.0
                  input_audio       = input 2.0             = input 4.0
                  input_image       = input 2.0             = input 4.0
                  output            8.0                     12.0
                  output_audio      = output 8.0            = output 12.0
                  output_image      = output 8.0            = output 12.0
                  web_search_per_k  0 (empty)               0 (empty)
                  request_per_k     0 (empty)               0 (empty)
                tier batch:     none (standard prices × (1 - 0.5))
                tier flex:      from 2026-01-01, stored as acme/big@2026-01-01/flex
                                    normal                  input_tokens > 1000
                  input             1.0                     = normal 1.0
                  cache_read        = standard 0.2          = standard 0.2
                  cache_write       = input 1.0             = input 1.0
                  cache_write_1h    = cache_write 1.0       = cache_write 1.0
                  input_audio       = input 1.0             = input 1.0
                  input_image       = input 1.0             = input 1.0
                  output            = standard 8.0          = standard 12.0
                  output_audio      = output 8.0            = output 12.0
                  output_image      = output 8.0            = output 12.0
                  web_search_per_k  0 (empty)               0 (empty)
                  request_per_k     0 (empty)               0 (empty)
                tier priority:  none (standard prices, estimated)
                tier fast:      none (standard prices, estimated)

                """)
        let json = try prices(["--provider", "acme", "--model", "big", "--at", "2026-06-01", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["resolution"] as? String == "exact" && object["price_row"] as? String == "acme/big@2026-01-01")
        let flex = try #require((object["tiers"] as? [String: Any])?["flex"] as? [String: Any])
        #expect(flex["price_row"] as? String == "acme/big@2026-01-01/flex")
        let longOutput = (flex["long_prices"] as? [String: Any])?["output"] as? [String: String]
        #expect(longOutput == ["usd": "12.0", "from": "standard"])
        #expect((object["tiers"] as? [String: Any])?["priority"] is NSNull)

        // Quote, 2,000 input tokens (above 1,000) of which 500 cached, 100 output:
        // flex: 1,500 × 1.0 + 500 × 0.2 + 100 × 12 (standard's long output) = 1,500 + 100 + 1,200 = 2,800 µUSD.
        let flexQuote = try runCostLedger(
            [
                "quote", "--pricing", pricing, "--provider", "acme", "--model", "big", "--input", "2000", "--output", "100", "--cached", "500",
                "--tier", "flex", "--at", "2026-06-01",
            ])
        #expect(flexQuote.stdout.hasSuffix("cost_usd:       0.002800000\n"), "\(flexQuote.stdout)\(flexQuote.stderr)")
        // batch has no tier row: the standard long prices less 0.5:
        // (1,500 × 4 + 500 × 0.2 + 100 × 12) × 0.5 = (6,000 + 100 + 1,200) / 2 = 3,650 µUSD.
        let batchQuote = try runCostLedger(
            [
                "quote", "--pricing", pricing, "--provider", "acme", "--model", "big", "--input", "2000", "--output", "100", "--cached", "500",
                "--batch", "--at", "2026-06-01",
            ])
        #expect(batchQuote.stdout.hasSuffix("batch discount: 0.5\ncost_usd:       0.003650000\n"), "\(batchQuote.stdout)")
        #expect(!batchQuote.stdout.contains("tier row:") && !batchQuote.stdout.contains("service tier:"))
    }

    @Test("the operator's key hides the catalogue's key, its aliases too; other catalogue keys still price")
    func operatorHidesCatalogue() throws {
        defer { directory.remove() }
        try writePricing(
            "provider,model,aliases,effective_from,input_per_mtok,output_per_mtok\nacme,widget,,2026-01-01,1,2\n" + Self.fallbackRow,
            catalogue: """
                provider,model,aliases,effective_from,input_per_mtok,output_per_mtok
                acme,widget,widget-1,2026-01-01,10,20
                acme,gadget*,,2026-01-01,30,40

                """)
        let own = directory.file("llm.csv")
        let catalogue = directory.file("catalogue/llm.csv")
        #expect(try resolved("widget") == "resolved:       exact id of acme,widget in \(own) (the operator's)")
        #expect(try resolved("widget-1") == "resolved:       fallback *,* in \(own) (the operator's), estimated")
        #expect(try resolved("gadget-2") == "resolved:       pattern 'gadget*' of acme,gadget* in \(catalogue) (the catalogue)")
        let keys = try prices(["--provider", "acme", "--at", "2026-06-01"])
        #expect(
            keys.stdout == """
                widget in \(own) (the operator's): from 2026-01-01, input 1.0, output 2.0
                gadget* in \(catalogue) (the catalogue): from 2026-01-01, input 30.0, output 40.0

                """)
        let check = try runCostLedger(["prices", "check", "--pricing", pricing])
        #expect(check.exitCode == 0 && check.stdout == "ok 4 rows\n" && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
    }

    @Test("prices: a bad option is exit 2; a model nothing prices, not even a fallback, is exit 1")
    func pricesExitCodes() throws {
        defer { directory.remove() }
        try writePricing("provider,model,effective_from,input_per_mtok,output_per_mtok\nacme,widget,2026-01-01,1,2\n")
        let none = try prices(["--provider", "acme", "--model", "gizmo", "--at", "2026-06-01"])
        #expect(none.exitCode == 1 && none.stdout.isEmpty)
        #expect(none.stderr == "costledger: no row prices acme/gizmo on 2026-06-01, and no fallback row\n")
        #expect(try prices(["--provider", "nobody"]).exitCode == 1)
        #expect(try prices(["--provider", "acme", "--format", "xml"]).exitCode == 2)
        #expect(try prices(["--provider", "acme", "--at", "June"]).exitCode == 2)
        #expect(try prices(["--model", "widget"]).exitCode == 2)
        #expect(try prices(["--provider", "acme", "--frobnicate"]).exitCode == 2)
    }

    @Test("prices check reports every problem of every file, one line each, and exits 1")
    func checkReportsEveryProblem() throws {
        defer { directory.remove() }
        try writePricing(
            """
            provider,model,aliases,effective_from,service_tier,input_per_mtok,output_per_mtok
            acme,a,a-1,2026-01-01,,1,2
            acme,a,a-1,2026-01-01,,1,3
            acme,b,A-1,2026-02-01,,1,2
            acme,c,,2026-01-01,flex,0.5,
            acme,d,,2026-03-01,,1,2
            acme,d,,2026-02-01,batch,0.5,1
            acme,e,,2026-01-01,,1.1234567,1000.000001
            acme,re:(,,2026-01-01,,1,2
            acme,f,,2026-01-01,,1
            acme,g,g*;g*,2026-01-01,,1,2
            acme,h,,2026-01-01,,-1,2

            """,
            services: Self.servicesHeader + "maps,geocode,2026-01-01,0.005,,,\nmaps,geocode,2026-01-01,0.0050001,,,\n")
        let llm = directory.file("llm.csv")
        let services = directory.file("services.csv")
        let check = try runCostLedger(["prices", "check", "--pricing", pricing])
        #expect(check.exitCode == 1)
        #expect(
            check.stdout == """
                \(llm):3: acme,a from 2026-01-01 is already priced on line 2
                \(llm):4: the id 'A-1' of acme,b is already claimed by acme,a on line 2
                \(llm):5: the flex row of acme,c from 2026-01-01 has no standard row in force (the key has none)
                \(llm):7: the batch row of acme,d from 2026-02-01 has no standard row in force (the first is from 2026-03-01)
                \(llm):8: input_per_mtok '1.1234567' has 7 fractional digits (at most 6)
                \(llm):8: output_per_mtok '1000.000001' is above the largest price, 1000.0
                \(llm):9: 're:(' is not a regular expression: expected ')'
                \(llm):10: expected 7 fields, found 6
                \(llm):11: acme,g lists the pattern 'g*' twice
                \(llm):12: input_per_mtok '-1' is not a price (a non-negative decimal)
                \(services):3: price_per_call '0.0050001' has 7 fractional digits (at most 6)

                """)
        // Without the price problem the second geocode row is an overlap; the loader itself stops at the first problem.
        try directory.write("services.csv", Self.servicesHeader + "maps,geocode,2026-01-01,0.005,,,\nmaps,geocode,2026-01-01,0.006,,,\n")
        let again = try runCostLedger(["prices", "check", "--pricing", pricing])
        #expect(again.stdout.hasSuffix("\(services):3: maps,geocode from 2026-01-01 is already priced on line 2\n"))
        let quote = try runCostLedger(["quote", "--pricing", pricing, "--provider", "acme", "--model", "a", "--input", "1", "--output", "1"])
        #expect(quote.exitCode == 2 && quote.stderr == "costledger: \(llm):3: acme,a from 2026-01-01 is already priced on line 2\n")
    }

    @Test("prices check: an id the operator's file takes from a catalogue key it does not hide is a note, not a problem")
    func checkNotesOverrides() throws {
        defer { directory.remove() }
        try writePricing(
            "provider,model,aliases,effective_from,input_per_mtok,output_per_mtok\nacme,mine,gadget-2,2026-01-01,1,2\n",
            catalogue: "provider,model,aliases,effective_from,input_per_mtok,output_per_mtok\nacme,gadget,gadget-2;gadget-3,2026-01-01,30,40\n")
        let check = try runCostLedger(["prices", "check", "--pricing", pricing])
        #expect(check.exitCode == 0 && check.stdout == "ok 2 rows\n")
        #expect(
            check.stderr
                == "costledger: note: \(directory.file("llm.csv")):2: 'gadget-2' prices as acme,mine, not as the catalogue's acme,gadget (\(directory.file("catalogue/llm.csv")):2)\n"
        )
    }

    @Test("prices check passes on the shipped pricing directory")
    func checkShippedPricing() throws {
        let check = try runCostLedger(["prices", "check", "--pricing", Repository.pricing])
        #expect(check.exitCode == 0, "\(check.stdout)")
        #expect(check.stdout.hasPrefix("ok ") && check.stdout.hasSuffix(" rows\n"))
    }

    /// Every section-11 price of a model, and a flex row from a later date that fills in input and output only.
    static let omni = """
        provider,model,effective_from,service_tier,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,cache_write_1h_per_mtok,input_audio_per_mtok,input_image_per_mtok,output_audio_per_mtok,output_image_per_mtok,web_search_per_k,request_per_k,long_context_threshold,long_input_per_mtok,long_output_per_mtok,batch_discount
        acme,omni,2026-01-01,,2,10,0.5,2.5,4,8,,20,,10,0.5,100000,4,15,0.5
        acme,omni,2026-02-01,flex,1,5,,,,,,,,,,,,,

        """

    @Test("quote takes every count of section 11.1 and --tier, and prints the tier row it used")
    func quoteEveryNewCount() throws {
        defer { directory.remove() }
        try writePricing(Self.omni)
        let arguments = [
            "quote", "--pricing", pricing, "--provider", "acme", "--model", "omni", "--at", "2026-03-01", "--input", "10000", "--output", "2000",
            "--cached", "1000", "--cache-write", "500", "--cache-write-1h", "300", "--input-audio", "200", "--input-image", "100",
            "--output-audio", "400", "--output-image", "100", "--reasoning", "700", "--web-searches", "3",
        ]
        // Flex, 10,000 input tokens (not above 100,000). Text input 10,000 - 1,000 - 500 - 300 - 200 - 100 = 7,900;
        // text output 2,000 - 400 - 100 = 1,500. The flex row gives input 1 and output 5; cache read 0.5, writes
        // 2.5 and 4, input audio 8, output audio 20, searches 10/1k and the fee 0.5/1k are the standard's; the
        // empty image prices take flex's input 1 and output 5. In µUSD: 7,900 × 1 = 7,900; 1,000 × 0.5 = 500;
        // 500 × 2.5 = 1,250; 1,500 × 5 = 7,500; 300 × 4 = 1,200; 200 × 8 = 1,600; 100 × 1 = 100; 400 × 20 = 8,000;
        // 100 × 5 = 500; 3 × 10,000 / 1,000 = 30,000; 500 / 1,000 × 1 = 500. Sum 59,050 µUSD, no discount.
        let flex = try runCostLedger(arguments + ["--tier", "flex"])
        #expect(flex.exitCode == 0, "\(flex.stderr)")
        #expect(
            flex.stdout == """
                price row:      acme/omni@2026-01-01
                service tier:   flex
                tier row:       acme/omni@2026-02-01/flex (stored as acme/omni@2026-01-01/flex)
                estimated:      false
                long context:   false
                input:          7900 tokens × 1.0/1M = 0.007900000000
                cached_input:   1000 tokens × 0.5/1M = 0.000500000000
                cache_write:    500 tokens × 2.5/1M = 0.001250000000
                output:         1500 tokens × 5.0/1M = 0.007500000000
                cache_write_1h: 300 tokens × 4.0/1M = 0.001200000000
                input_audio:    200 tokens × 8.0/1M = 0.001600000000
                input_image:    100 tokens × 1.0/1M = 0.000100000000
                output_audio:   400 tokens × 20.0/1M = 0.008000000000
                output_image:   100 tokens × 5.0/1M = 0.000500000000
                web_search:     3 × 10.0/1k = 0.030000000000
                request:        1 × 0.5/1k = 0.000500000000
                reasoning:      700 tokens of the output, priced as output
                list:           0.059050000000
                batch discount: 0.0
                cost_usd:       0.059050000

                """)
        // Priority has no row: the standard prices, estimated. 7,900 × 2 + 500 + 1,250 + 1,500 × 10 + 1,200 + 1,600
        // + 100 × 2 + 8,000 + 100 × 10 + 30,000 + 500 = 15,800 + 500 + 1,250 + 15,000 + 1,200 + 1,600 + 200 + 8,000
        // + 1,000 + 30,000 + 500 = 75,050 µUSD.
        let priority = try runCostLedger(arguments + ["--tier", "priority"])
        #expect(priority.stdout.contains("service tier:   priority\nestimated:      true\n"))
        #expect(priority.stdout.hasSuffix("list:           0.075050000000\nbatch discount: 0.0\ncost_usd:       0.075050000\n"))
        // Batch has no row: the same standard prices less 0.5, 37,525 µUSD; --batch and --tier batch agree.
        for batch in [["--batch"], ["--tier", "batch"], ["--batch", "--tier", "batch"]] {
            let quote = try runCostLedger(arguments + batch)
            #expect(quote.stdout.hasSuffix("batch discount: 0.5\ncost_usd:       0.037525000\n"), "\(batch)")
            #expect(quote.stdout.contains("estimated:      false\n"))
        }
    }

    @Test("quote validates its counts as an event's (contract 11.1): exit 2 with the codes' wording")
    func quoteValidation() throws {
        defer { directory.remove() }
        try writePricing(Self.omni)
        let base = ["quote", "--pricing", pricing, "--provider", "acme", "--model", "omni", "--input", "100", "--output", "10"]
        let cases: [([String], String)] = [
            (["--cached", "60", "--cache-write", "41"], "cached_exceeds_input: --cached + --cache-write exceed --input"),
            (["--cached", "60", "--cache-write-1h", "41"], "cached_exceeds_input: --cached + --cache-write + --cache-write-1h exceed --input"),
            (
                ["--cached", "60", "--input-audio", "30", "--input-image", "11"],
                "parts_exceed_total: --cached + --cache-write + --cache-write-1h + --input-audio + --input-image exceed --input"
            ),
            (["--output-audio", "6", "--output-image", "5"], "parts_exceed_total: --output-audio + --output-image exceed --output"),
            (["--reasoning", "11"], "parts_exceed_total: --reasoning exceeds --output"),
            (["--batch", "--tier", "flex"], "invalid_value: --batch is --tier batch, not --tier flex"),
            (["--web-searches", "1000001"], "--web-searches must be between 0 and 1000000"),
            (["--reasoning=-1"], "--reasoning must be between 0 and 100000000"),
        ]
        for (extra, message) in cases {
            let result = try runCostLedger(base + extra)
            #expect(result.exitCode == 2, "\(extra)")
            #expect(result.stderr.hasPrefix("costledger: Error: \(message)\n"), "\(extra): \(result.stderr)")
        }
        #expect(try runCostLedger(base + ["--tier", "slow"]).exitCode == 2)
        // At the limits every count is accepted.
        let full = try runCostLedger(base + ["--cached", "50", "--input-audio", "50", "--output-image", "10", "--reasoning", "10"])
        #expect(full.exitCode == 0, "\(full.stderr)")
    }

    @Test("a section-2 quote prints exactly the lines it always did")
    func sectionTwoQuoteUnchanged() throws {
        // gemini-2.5-pro above 200,000 input tokens: 200,001 × 2.50 + 1,000 × 15.00 = 500,002.5 + 15,000 µUSD
        // = 515,002.5 µUSD, halved by the batch discount: 257,501.25 µUSD.
        let quote = try runCostLedger([
            "quote", "--pricing", Repository.pricing, "--provider", "google", "--model", "gemini-2.5-pro", "--input", "200001", "--output", "1000",
            "--batch",
            "--at", "2026-11-24",
        ])
        #expect(
            quote.stdout == """
                price row:      google/gemini-2.5-pro@2025-01-01
                estimated:      false
                long context:   true
                input:          200001 tokens × 2.5/1M = 0.500002500000
                cached_input:   0 tokens × 2.5/1M = 0.000000000000
                cache_write:    0 tokens × 2.5/1M = 0.000000000000
                output:         1000 tokens × 15.0/1M = 0.015000000000
                list:           0.515002500000
                batch discount: 0.5
                cost_usd:       0.257501250

                """)
    }
}
