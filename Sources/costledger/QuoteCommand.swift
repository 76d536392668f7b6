import ArgumentParser
import CostLedger
import Foundation
import Pricing

extension ServiceTier: ExpressibleByArgument {}

struct QuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Price one LLM request and print the breakdown.",
        discussion: """
            Amounts are exact: each component in pico-USD precision, the total rounded half to even to the \
            nano-USD. The counts are an event's (contract 11.1): every --cached, --cache-write, \
            --cache-write-1h, --input-audio and --input-image token is part of --input; --output-audio, \
            --output-image and --reasoning are parts of --output (reasoning is priced as output). \
            --tier prices the tier's row of the model when one is in force; batch without one takes the \
            batch discount, another tier without one is priced at the standard prices and estimated.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The provider, e.g. anthropic.") var provider: String
    @Option(help: "The model id as sent to the provider.") var model: String
    @Option(help: "All prompt tokens, cached, cache-written, audio and image ones included.") var input: Int64
    @Option(help: "All completion tokens, audio, image and reasoning ones included.") var output: Int64
    @Option(help: "The part of the input read from the prompt cache.") var cached: Int64 = 0
    @Option(name: .customLong("cache-write"), help: "The part of the input written to the prompt cache (five-minute lifetime).")
    var cacheWrite: Int64 = 0
    @Option(name: .customLong("cache-write-1h"), help: "The part of the input written to the prompt cache with a one-hour lifetime.")
    var cacheWrite1h: Int64 = 0
    @Option(name: .customLong("input-audio"), help: "The part of the input that is audio (not read from the cache).") var inputAudio: Int64 = 0
    @Option(name: .customLong("input-image"), help: "The part of the input that is images (not read from the cache).") var inputImage: Int64 = 0
    @Option(name: .customLong("output-audio"), help: "The part of the output that is audio.") var outputAudio: Int64 = 0
    @Option(name: .customLong("output-image"), help: "The part of the output that is images.") var outputImage: Int64 = 0
    @Option(help: "The part of the output spent on reasoning (priced as output, shown on its own).") var reasoning: Int64 = 0
    @Option(name: .customLong("web-searches"), help: "Server-side web searches the request made (0 to 1000000).") var webSearches: Int64 = 0
    @Option(help: "The service tier the provider served (default standard; batch with --batch).") var tier: ServiceTier?
    @Flag(help: "Sent through the provider's batch API (the same as --tier batch).") var batch = false
    @Option(help: "The date whose prices apply (YYYY-MM-DD or RFC 3339; default today, UTC).") var at: String?

    var usage: LLMUsage {
        LLMUsage(
            inputTokens: input, outputTokens: output, cachedTokens: cached, cacheWriteTokens: cacheWrite, batch: batch || tier == .batch,
            cacheWrite1hTokens: cacheWrite1h, inputAudioTokens: inputAudio, inputImageTokens: inputImage,
            outputAudioTokens: outputAudio, outputImageTokens: outputImage, reasoningTokens: reasoning,
            webSearchRequests: webSearches, serviceTier: tier)
    }

    func validate() throws {
        let counts = [
            ("--input", input), ("--output", output), ("--cached", cached), ("--cache-write", cacheWrite),
            ("--cache-write-1h", cacheWrite1h), ("--input-audio", inputAudio), ("--input-image", inputImage),
            ("--output-audio", outputAudio), ("--output-image", outputImage), ("--reasoning", reasoning),
        ]
        for (name, value) in counts where value < 0 || value > EventDecoder.maxTokens {
            throw ValidationError("\(name) must be between 0 and \(EventDecoder.maxTokens)")
        }
        if webSearches < 0 || webSearches > EventDecoder.maxWebSearches {
            throw ValidationError("--web-searches must be between 0 and \(EventDecoder.maxWebSearches)")
        }
        if batch, let tier, tier != .batch {
            throw ValidationError("invalid_value: --batch is --tier batch, not --tier \(tier.rawValue)")
        }
        // The wording of the event's codes (contract 11.1), with the options' names.
        switch usage.partsExcess {
        case .cacheExceedsInput:
            throw ValidationError("cached_exceeds_input: --cached + --cache-write\(cacheWrite1h > 0 ? " + --cache-write-1h" : "") exceed --input")
        case .inputParts:
            throw ValidationError("parts_exceed_total: --cached + --cache-write + --cache-write-1h + --input-audio + --input-image exceed --input")
        case .outputParts: throw ValidationError("parts_exceed_total: --output-audio + --output-image exceed --output")
        case .reasoning: throw ValidationError("parts_exceed_total: --reasoning exceeds --output")
        case nil: break
        }
    }

    func run() throws {
        let prices = try options.loadPrices()
        let date = try at.map { try parseInstant($0, option: "--at") }?.utcDate ?? Timestamp.now().utcDate
        let usage = self.usage
        let quote = prices.quote(provider: provider, model: model, usage: usage, on: date)
        print("price row:      \(quote.row?.reference ?? "none (no row, no fallback)")")
        // Lines of section 11 only when asked for, so a section-2 quote prints what it always did.
        if let tier { print("service tier:   \(tier.rawValue)") }
        if let tierRow = quote.tierRow, let tier = tierRow.serviceTier {
            print("tier row:       \(tierRow.reference)/\(tier.rawValue) (stored as \(quote.reference ?? ""))")
        }
        print("estimated:      \(quote.estimated)")
        print("long context:   \(quote.longContext)")
        for charge in quote.charges {
            let amount = ExactDecimal.format(charge.listPicos, scale: 12, minFractionDigits: 12)
            let label = charge.component.rawValue + ":"
            print(
                "\(label.padding(toLength: 16, withPad: " ", startingAt: 0))\(charge.quantity) \(charge.perUnits == 1_000 ? "× " : "tokens × ")\(charge.unitPrice)/\(charge.perUnits == 1_000 ? "1k" : "1M") = \(amount)"
            )
        }
        if reasoning > 0 { print("reasoning:      \(reasoning) tokens of the output, priced as output") }
        print("list:           \(ExactDecimal.format(quote.listPicos, scale: 12, minFractionDigits: 12))")
        print("batch discount: \(quote.discount)")
        print("cost_usd:       \(quote.cost)")
    }
}
