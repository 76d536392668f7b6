import CostLedger
import Foundation
import Pricing
import TestSupport
import Testing

/// genai-prices 0.2.3 (PyPI) as the oracle for the catalogue (contract 11.4): the generator is
/// deterministic, and every model and variant it carries prices as the package does, to the nano.
@Suite("The price catalogue against genai-prices", .enabled(if: GenAIPrices.python != nil, "PyPI is unreachable: genai-prices cannot be installed"))
struct CatalogueAgreementTests {
    @Test("scripts/update-prices regenerates pricing/catalogue byte for byte")
    func regenerates() throws {
        let check = try runTool("sh", ["-c", "cd '\(Repository.root)' && scripts/update-prices --check >/dev/null 2>&1; echo $?"])
        #expect(check == "0\n", "scripts/update-prices --check exited \(check)")
    }

    @Test(
        "random usages over every model, token kind, tier, price change and long-context threshold cost what calc_price says",
        arguments: [11, 29])
    func agreesToTheNano(seed: Int) throws {
        let python = try #require(GenAIPrices.python)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let oracle = Repository.root + "/Tests/Reference/genai_oracle.py"
        let samples = directory.file("usages.jsonl")
        // Usages of keys llm.csv claims would be priced by the operator's file, not the catalogue.
        _ = try runTool(
            "sh", ["-c", "'\(python)' '\(oracle)' --sample 2500 --seed \(seed) --operator '\(Repository.pricing)/llm.csv' > '\(samples)'"])
        let expected = try runTool("sh", ["-c", "'\(python)' '\(oracle)' < '\(samples)'"]).split(separator: "\n")
        let usages = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n")
        #expect(usages.count == 2500 && expected.count == usages.count)

        let prices = try PriceTable(directory: Repository.pricing)
        var disagreements: [String] = []
        var tiers: Set<String> = []
        for (line, answer) in zip(usages, expected) {
            let usage = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let oracleAnswer = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
            guard let nanos = oracleAnswer["cost_nanos"] as? Int else {
                disagreements.append("genai-prices could not price \(line): \(answer)")
                continue
            }
            func count(_ key: String) -> Int64 { Int64(usage[key] as? Int ?? 0) }
            let tier = try #require(ServiceTier(rawValue: usage["tier"] as? String ?? ""))
            tiers.insert(tier.rawValue)
            let tokens = LLMUsage(
                inputTokens: count("input_tokens"), outputTokens: count("output_tokens"), cachedTokens: count("cached_tokens"),
                cacheWriteTokens: count("cache_write_tokens"), batch: tier == .batch, cacheWrite1hTokens: count("cache_write_1h_tokens"),
                inputAudioTokens: count("input_audio_tokens"), inputImageTokens: count("input_image_tokens"),
                outputAudioTokens: count("output_audio_tokens"), outputImageTokens: count("output_image_tokens"),
                reasoningTokens: count("reasoning_tokens"), webSearchRequests: count("web_search_requests"), serviceTier: tier)
            let timestamp = try #require(Timestamp(rfc3339: usage["timestamp"] as? String ?? ""))
            let quote = prices.quote(
                provider: usage["provider"] as? String ?? "", model: usage["model"] as? String ?? "", usage: tokens, on: timestamp.utcDate)
            // A flex, priority or fast request of a model with no row for that tier is priced at
            // standard prices, as genai-prices does, but marked estimated (contract 11.3).
            let unknownTier = quote.tierRow == nil && [.flex, .priority, .fast].contains(tier)
            if quote.cost.nanos != Int64(nanos) || quote.estimated != unknownTier {
                disagreements.append("\(line): costledger \(quote.cost) (\(quote.reference ?? "no row"), estimated \(quote.estimated)), genai-prices \(answer)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(usages.count) disagree, first: \(disagreements.prefix(5).joined(separator: "\n"))")
        #expect(tiers == ["standard", "batch", "flex", "priority", "fast"])
    }
}

/// The Python of the virtual environment `scripts/update-prices` makes with genai-prices 0.2.3;
/// nil when PyPI cannot be reached.
enum GenAIPrices {
    static let python: String? = {
        guard let path = try? runTool("sh", ["-c", "cd '\(Repository.root)' && scripts/update-prices --python 2>/dev/null"]) else { return nil }
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }()
}
