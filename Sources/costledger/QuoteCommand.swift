import ArgumentParser
import CostLedger
import Foundation
import Pricing

struct QuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Price one LLM request and print the breakdown.",
        discussion: "Amounts are exact: each component in pico-USD precision, the total rounded half to even to the nano-USD."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The provider, e.g. anthropic.") var provider: String
    @Option(help: "The model id as sent to the provider.") var model: String
    @Option(help: "All prompt tokens, cached ones included.") var input: Int64
    @Option(help: "Completion tokens.") var output: Int64
    @Option(help: "The part of the input read from the prompt cache.") var cached: Int64 = 0
    @Option(name: .customLong("cache-write"), help: "The part of the input written to the prompt cache.") var cacheWrite: Int64 = 0
    @Flag(help: "Sent through the provider's batch API.") var batch = false
    @Option(help: "The date whose prices apply (YYYY-MM-DD or RFC 3339; default today, UTC).") var at: String?

    func validate() throws {
        for (name, value) in [("--input", input), ("--output", output), ("--cached", cached), ("--cache-write", cacheWrite)]
        where value < 0 || value > EventDecoder.maxTokens {
            throw ValidationError("\(name) must be between 0 and \(EventDecoder.maxTokens)")
        }
        if cached + cacheWrite > input { throw ValidationError("--cached + --cache-write exceed --input") }
    }

    func run() throws {
        let prices = try options.loadPrices()
        let date = try at.map { try parseInstant($0, option: "--at") }?.utcDate ?? Timestamp.now().utcDate
        let usage = LLMUsage(inputTokens: input, outputTokens: output, cachedTokens: cached, cacheWriteTokens: cacheWrite, batch: batch)
        let quote = prices.quote(provider: provider, model: model, usage: usage, on: date)
        print("price row:      \(quote.row?.reference ?? "none (no row, no fallback)")")
        print("estimated:      \(quote.estimated)")
        print("long context:   \(quote.longContext)")
        for charge in quote.charges {
            let amount = ExactDecimal.format(charge.listPicos, scale: 12, minFractionDigits: 12)
            let label = charge.component.rawValue + ":"
            print("\(label.padding(toLength: 16, withPad: " ", startingAt: 0))\(charge.quantity) \(charge.perUnits == 1_000 ? "× " : "tokens × ")\(charge.unitPrice)/\(charge.perUnits == 1_000 ? "1k" : "1M") = \(amount)")
        }
        print("list:           \(ExactDecimal.format(quote.listPicos, scale: 12, minFractionDigits: 12))")
        print("batch discount: \(quote.discount)")
        print("cost_usd:       \(quote.cost)")
    }
}
