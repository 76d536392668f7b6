import Foundation
import App
import ArgumentParser
import CostLedger
import Pricing

struct RepriceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprice",
        abstract: "Correct billed costs: price stored events again with the current tables and append adjustments.",
        discussion: """
            Prices every stored event of the range again with --pricing (free quota replayed in ledger order \
            over the whole months the range touches) and, for each event whose cost differs from what has been \
            billed for it so far (its stored cost plus its earlier adjustments), appends an adjustment record \
            with the difference (negative for a credit), the new price row and --reason. Nothing is rewritten; \
            a second run appends nothing. An adjustment is billed in its event's month while that month is open, \
            else in the first open month. Prints, per tenant, the adjustments and their total; --dry-run prints \
            the same and writes nothing. Progress goes to standard error on large ranges.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "Why the prices are corrected (one line, at most \(Self.maxReasonLength) characters); stored with every adjustment.")
    var reason: String

    @Option(help: "Only events from this time on, inclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var from: String?

    @Option(help: "Only events before this time, exclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var to: String?

    @Option(help: "Only this tenant's events.")
    var tenant: String?

    @Flag(help: "Print what would be appended and write nothing.")
    var dryRun = false

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    static let maxReasonLength = 500

    func run() async throws {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty, reason.count <= Self.maxReasonLength, !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw CLIError.usage("--reason must be one line of text, 1 to \(Self.maxReasonLength) characters") }
        let start = try from.map { try parseInstant($0, option: "--from") }
        let end = try to.map { try parseInstant($0, option: "--to") }
        if let start, let end, end < start { throw CLIError.usage("--to \(to ?? "") is before --from \(from ?? "")") }
        let prices = try options.loadPrices()
        let progress = ProgressLine(verb: "reprice", enabled: !quiet)
        let report = try await options.app().reprice(
            reason: reason, scope: RecordQuery(from: start, to: end, tenantID: tenant), prices: prices, dryRun: dryRun
        ) { walked in
            progress.update("\(walked) events priced again", count: Int(walked))
        }
        progress.finish("\(report.eventsWalked) events priced again", count: Int(report.eventsWalked))
        for (tenantID, total) in report.tenants.sorted(by: { $0.key < $1.key }) {
            print("\(tenantID): \(total.adjustments) adjustments, \(total.total) USD")
        }
        print(
            "\(dryRun ? "would append" : "appended") \(report.adjustments) adjustments, \(report.total) USD, "
                + "\(report.eventsWalked) events priced again" + (dryRun ? " (dry run: nothing written)" : ""))
    }
}
