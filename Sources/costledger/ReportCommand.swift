import ArgumentParser
import Optimizer
import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The nightly job: write every report file for --as-of into --out.",
        discussion: """
            Writes cost-summary-DATE.csv/.json, budgets-DATE.csv/.json, recommendations-DATE.csv/.json, \
            external-api-DATE.csv, reconciliation-DATE.csv/.json, ledger-head-DATE.json, costledger.prom and \
            report-DATE.html, the page for people to read (DATE = as_of's UTC date), each to a temporary name \
            renamed into place. The same ledger and --as-of give byte-identical files.
            """
    )

    @OptionGroup var options: LedgerOptions
    @OptionGroup var time: AsOfOption

    @Option(help: "The directory to write into (created when missing).")
    var out: String

    @Option(name: .customLong("metric-prefix"), help: "The prefix of every metric name in costledger.prom.")
    var metricPrefix = "cerniq_etapa3_"

    @Flag(name: .customLong("no-html"), help: .hidden)
    var noHTML = false

    func run() async throws {
        var report = NightlyReport(snapshot: try await options.snapshot(asOf: try time.instant(), optimizer: OptimizerSettings()))
        report.metricPrefix = metricPrefix
        // Only scripts/bench-report leaves the page out, to time what it adds.
        report.writesPage = !noHTML
        for path in try report.write(to: out) { print(path) }
    }
}
