import ArgumentParser
import CSVCodec
import CostLedger
import Foundation
import Pricing

/// `costledger prices quote FILE`: prices every usage of a CSV file, as a what-if and as the
/// in-process pricing benchmark of `scripts/bench-prices`.
struct PricesQuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Price every LLM usage of a CSV file: one line each with its cost, price row and whether it is estimated.",
        discussion: """
            The file's header names its columns (any order): provider, model and timestamp (RFC 3339) are \
            required; tier (standard, batch, flex, priority, fast) and the counts input_tokens, \
            output_tokens, cached_tokens, cache_write_tokens, cache_write_1h_tokens, input_audio_tokens, \
            input_image_tokens, output_audio_tokens, output_image_tokens, reasoning_tokens and \
            web_search_requests are optional (empty or absent: 0). Writes CSV on standard output \
            (line, cost_usd, estimated, price_row), or nothing with --quiet; standard error gets how \
            many usages were priced and how long resolution and pricing took, the file's reading left out.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The usages, CSV with a header.") var file: String
    @Flag(help: "Print only the timing line on standard error.") var quiet = false

    static let counts = [
        "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "cache_write_1h_tokens", "input_audio_tokens",
        "input_image_tokens", "output_audio_tokens", "output_image_tokens", "reasoning_tokens", "web_search_requests",
    ]

    func run() throws {
        let prices = try options.loadPrices()
        let table: CSVTable
        do {
            table = try CSVTable(contentsOf: file)
        } catch {
            throw CLIError.usage(error.description)
        }
        var index: [String: Int] = [:]
        for (position, name) in table.header.enumerated() { index[name] = position }
        for name in ["provider", "model", "timestamp"] where index[name] == nil {
            throw CLIError.usage("\(file):1: the header has no column '\(name)'")
        }
        var requests: [(provider: String, model: String, usage: LLMUsage, date: CivilDate)] = []
        requests.reserveCapacity(table.records.count)
        for record in table.records {
            func field(_ name: String) -> String { index[name].flatMap { $0 < record.fields.count ? record.fields[$0] : nil } ?? "" }
            func count(_ name: String) throws -> Int64 {
                let text = field(name)
                guard !text.isEmpty else { return 0 }
                guard let value = Int64(text), (0...EventDecoder.maxTokens).contains(value) else {
                    throw CLIError.usage("\(file):\(record.line): \(name) '\(text)' is not a count from 0 to \(EventDecoder.maxTokens)")
                }
                return value
            }
            guard let time = Timestamp(rfc3339: field("timestamp")) else {
                throw CLIError.usage("\(file):\(record.line): timestamp '\(field("timestamp"))' is not an RFC 3339 time")
            }
            let tierText = field("tier")
            guard let tier = tierText.isEmpty ? .standard : ServiceTier(rawValue: tierText) else {
                throw CLIError.usage("\(file):\(record.line): tier '\(tierText)' must be standard, batch, flex, priority or fast")
            }
            let values = try Self.counts.map(count)
            let usage = LLMUsage(
                inputTokens: values[0], outputTokens: values[1], cachedTokens: values[2], cacheWriteTokens: values[3],
                batch: tier == .batch, cacheWrite1hTokens: values[4], inputAudioTokens: values[5], inputImageTokens: values[6],
                outputAudioTokens: values[7], outputImageTokens: values[8], reasoningTokens: values[9], webSearchRequests: values[10],
                serviceTier: tier)
            if usage.partsExcess != nil {
                throw CLIError.usage("\(file):\(record.line): the parts of the usage exceed its input or output tokens")
            }
            requests.append((field("provider"), field("model"), usage, time.utcDate))
        }

        let clock = ContinuousClock()
        // What the output needs of each quote, so the timing is of pricing, not of keeping quotes.
        var priced: [(cost: Money, estimated: Bool, row: LLMPriceRow?, tier: ServiceTier?)] = []
        priced.reserveCapacity(requests.count)
        let elapsed = clock.measure {
            for request in requests {
                let quote = prices.quote(provider: request.provider, model: request.model, usage: request.usage, on: request.date)
                priced.append((quote.cost, quote.estimated, quote.row, quote.tierRow?.serviceTier))
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(requests.count) / seconds) : 0
        printError("priced \(requests.count) usages in \(String(format: "%.3f", seconds)) s (\(rate) per second)")
        guard !quiet else { return }
        var writer = CSVWriter(reservingCapacity: 64 * priced.count)
        writer.writeRecord(["line", "cost_usd", "estimated", "price_row"])
        for (record, quote) in zip(table.records, priced) {
            let reference = quote.row.map { LLMPriceQuote.reference(row: $0, tier: quote.tier) } ?? ""
            writer.writeRecord([String(record.line), quote.cost.description, quote.estimated ? "true" : "false", reference])
        }
        FileHandle.standardOutput.write(Data(writer.bytes))
    }
}
