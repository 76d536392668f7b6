import Foundation
import TestSupport
import Testing

/// Contract 11.3: `provider_cost_usd` prices what only a fallback row knows; `--unknown-models
/// reject` refuses such events unless they carry it.
@Suite("provider_cost_usd and --unknown-models")
struct ProviderCostCLITests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }
    var common: [String] { ["--db", db, "--pricing", Repository.pricing] }

    init() throws {
        directory = try TemporaryDirectory()
    }

    static func event(_ id: String, provider: String, model: String, providerCost: String? = nil) -> String {
        let cost = providerCost.map { #","provider_cost_usd":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","provider":"\#(provider)","model":"\#(model)","input_tokens":1000,"output_tokens":100\#(cost)}"#
    }

    @Test("an unknown model with a provider cost is billed that figure, not estimated; a known one keeps the tables' cost beside it")
    func providerCost() throws {
        defer { directory.remove() }
        let file = try directory.write(
            "events.ndjson",
            [
                Self.event("p1", provider: "acme-ai", model: "mystery-1", providerCost: "0.012345678"),
                Self.event("p2", provider: "acme-ai", model: "mystery-1"),
                Self.event("p3", provider: "openai", model: "gpt-4o", providerCost: "0.004"),
            ].joined(separator: "\n") + "\n")
        #expect(try runCostLedger(["ingest", "--quiet"] + common + [file]).exitCode == 0)
        let csv = try runCostLedger(["export"] + common + ["--from", "2026-11-01", "--to", "2026-12-01"]).stdout.split(separator: "\n")
        let rows = csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        // cost_usd, estimated, provider_cost_usd, price_row
        let picked = rows.map { [$0[18], $0[19], $0[28], $0[29]].joined(separator: " ") }
        #expect(
            picked == [
                "0.012345678 false 0.012345678 provider",
                // *,* at 5 / 15 per 1M: 1000 × 5 + 100 × 15 = 6,500 µUSD, estimated
                "0.006500000 true  */*@2020-01-01",
                // gpt-4o at 2.50 / 10: 1000 × 2.5 + 100 × 10 = 3,500 µUSD; the provider said 4,000
                "0.003500000 false 0.004000000 openai/gpt-4o@2025-01-01",
            ])
        #expect(try runCostLedger(["verify"] + common).stdout == "ok 3 events\n")

        // FOCUS: the reported cost is one SKU counting units of one nano-USD, at 1 USD per 1,000,000,000.
        let focus = directory.file("focus.csv")
        #expect(try runCostLedger(["export"] + common + ["--from", "2026-11-01", "--to", "2026-12-01", "--format", "focus", "--out", focus]).exitCode == 0)
        let reported = try runTool(
            "python3",
            [
                "-c",
                "import csv,sys\nfor r in csv.DictReader(open(sys.argv[1])):\n  if r['SkuMeter']=='provider_reported': print(r['SkuId'],r['ConsumedQuantity'],r['ConsumedUnit'],r['PricingQuantity'],r['PricingUnit'],r['ListUnitPrice'],r['ListCost'],r['BilledCost'])",
                focus,
            ])
        #expect(reported == "acme-ai/mystery-1/provider_reported 12345678.0 Units 0.012345678 1000000000 Units 1.0 0.012345678 0.012345678\n")
    }

    @Test("--unknown-models reject refuses a model only a fallback prices, unless it carries provider_cost_usd")
    func rejectUnknown() throws {
        defer { directory.remove() }
        let file = try directory.write(
            "events.ndjson",
            [
                Self.event("u1", provider: "acme-ai", model: "mystery-1"),
                Self.event("u2", provider: "acme-ai", model: "mystery-1", providerCost: "0.5"),
                Self.event("u3", provider: "anthropic", model: "claude-sonnet-4-5-20250929"),
            ].joined(separator: "\n") + "\n")
        let ingest = try runCostLedger(["ingest", "--quiet", "--unknown-models", "reject"] + common + [file])
        #expect(ingest.exitCode == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any])
        #expect(summary["accepted"] as? Int == 2)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1 && rejected[0]["id"] as? String == "u1" && rejected[0]["error"] as? String == "unknown_model")
        #expect(try runCostLedger(["ingest", "--unknown-models", "guess"] + common + [file]).exitCode == 2)
    }
}
