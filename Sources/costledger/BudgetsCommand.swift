import App
import ArgumentParser
import Reports

struct BudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budgets",
        abstract: "Print every tenant's budget status at --as-of.",
        discussion: """
            One row per tenant with events or a row in the tenants file: local day and month spend (in the \
            tenant's time zone), utilisation, remaining, projections, status (ok, warning, critical, \
            exceeded), external API spend of the month and conversations over their limit.
            """
    )

    @OptionGroup var options: LedgerOptions
    @OptionGroup var time: AsOfOption

    @Option(help: "json or csv.")
    var format = "json"

    func run() async throws {
        guard format == "json" || format == "csv" else { throw CLIError.usage("--format must be json or csv") }
        let table = try await options.app().budgets(asOf: try time.instant(), tenants: try options.loadTenants())
        let output = OutputFile.standardOutput()
        try output.write(format == "json" ? table.jsonBytes : table.csvBytes)
        try output.commit()
    }
}
