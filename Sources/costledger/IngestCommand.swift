import ArgumentParser
import CostLedger
import Foundation

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Append usage events from NDJSON files to the ledger.",
        discussion: """
            Files are read in order, line by line ('-' is standard input); blank lines are skipped. \
            An llm event gives its counts in the token fields, or carries the provider's own usage object \
            as "usage" (OpenAI Chat Completions or Responses, Anthropic Messages, Gemini usageMetadata; \
            "usage_format" names it when its keys do not), stored as the same counts. \
            Prints a JSON summary {"accepted":N,"duplicates":N,"rejected":[{"file","line","id","error","message"}]}. \
            Valid events are kept even when others are rejected; the exit code is then 1. \
            An event already in the ledger with the same content is a duplicate: acknowledged, not stored again.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Argument(help: "NDJSON files to ingest ('-' for standard input).")
    var files: [String]

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    @Option(
        name: .customLong("unknown-models"),
        help: "estimate: price an LLM event no price row knows by the fallback row, marked estimated; reject: reject it as unknown_model unless it carries provider_cost_usd.")
    var unknownModels: UnknownModelPolicy = .estimate

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one NDJSON file, or '-' for standard input") }
    }

    func run() async throws {
        let prices = try options.loadPrices()
        // Open every input before storing anything, so an unreadable file changes nothing.
        var sources: [IngestSource] = []
        for file in files {
            if file == "-" {
                sources.append(IngestSource(name: "-", descriptor: 0))
                continue
            }
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw CLIError.usage("cannot read \(file): \(String(cString: strerror(errno)))")
            }
            sources.append(IngestSource(name: file, descriptor: descriptor))
        }
        defer { for source in sources where source.descriptor > 0 { close(source.descriptor) } }

        let ledger = Ledger(store: try await options.openStore(create: true), prices: prices, unknownModels: unknownModels)
        let spool = RejectionSpool()
        let progress = ProgressLine(verb: "ingest", enabled: !quiet)
        let totals: IngestTotals
        do {
            totals = try await ledger.store.closing {
                try await NDJSONIngest().run(sources, into: ledger, onRejected: spool.add) { totals in
                    progress.update("\(totals.lines) lines: \(totals.accepted) accepted, \(totals.duplicates) duplicates, \(totals.rejected) rejected", count: totals.lines)
                }
            }
        } catch let error as LedgerError where error.code == .input {
            throw CLIError.usage(error.message)
        }
        progress.finish("\(totals.lines) lines: \(totals.accepted) accepted, \(totals.duplicates) duplicates, \(totals.rejected) rejected", count: totals.lines)
        try spool.printSummary(totals)
        if totals.rejected > 0 { throw ExitCode(1) }
    }
}

extension UnknownModelPolicy: ExpressibleByArgument {}
