import App
import ArgumentParser
import CostLedger
import Optimizer
import Pricing
import Reports

struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "The optimiser's recommendations: savings priced from each tenant's own events.",
        discussion: """
            Looks at the --window-days before --as-of: small requests of simple operations on a model with a \
            cheaper sibling (pricing/recommend.csv), prompt prefixes repeated within the 5-minute cache \
            lifetime without caching, prompts far above the target size, single requests that a batch API \
            would discount, and paid API calls repeating a request_key. Every saving re-prices the tenant's \
            own tokens and calls with the price table, scaled to 30 days; largest first.
            """
    )

    @OptionGroup var options: LedgerOptions
    @OptionGroup var time: AsOfOption

    @Option(name: .customLong("window-days"), help: "Days of events before --as-of to look at.")
    var windowDays: Int64 = 30

    @Option(help: "json or csv.")
    var format = "json"

    @Option(name: .customLong("savings-floor"), help: "Leave out savings below this many USD a month.")
    var savingsFloor = "1.00"

    @Option(name: .customLong("simple-operations"), help: "Comma-separated operations a cheaper model can serve.")
    var simpleOperations = "classification,extraction"

    @Option(name: .customLong("batch-operations"), help: "Comma-separated non-interactive operations.")
    var batchOperations = "classification,extraction,summarization"

    @Option(name: .customLong("target-input-tokens"), help: "The average prompt size to aim for; also the small-request limit.")
    var targetInputTokens: Int64 = 2_000

    func validate() throws {
        guard (1...366).contains(windowDays) else { throw ValidationError("--window-days must be between 1 and 366") }
        guard format == "json" || format == "csv" else { throw ValidationError("--format must be json or csv") }
        guard let floor = Money(decimal: savingsFloor), floor >= .zero else { throw ValidationError("--savings-floor must be a USD amount") }
        guard targetInputTokens > 0 else { throw ValidationError("--target-input-tokens must be positive") }
    }

    func run() async throws {
        var settings = OptimizerSettings()
        settings.windowDays = windowDays
        settings.savingsFloor = Money(decimal: savingsFloor) ?? settings.savingsFloor
        settings.simpleOperations = Set(simpleOperations.split(separator: ",").map(String.init))
        settings.batchOperations = Set(batchOperations.split(separator: ",").map(String.init))
        settings.targetInputTokens = targetInputTokens
        settings.smallRequestTokens = targetInputTokens
        let table = try await options.app().recommendations(
            asOf: try time.instant(), prices: try options.loadPrices(), downgrades: try options.loadDowngrades(), settings: settings)
        let output = OutputFile.standardOutput()
        try output.write(format == "json" ? table.jsonBytes : table.csvBytes)
        try output.commit()
    }
}
