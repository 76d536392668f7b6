import App
import ArgumentParser
import CostLedger
import Pricing

struct CloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a UTC month for billing: its figures never move again.",
        discussion: """
            Appends a close record for the month to the ledger's chain. A month is closed once, only after \
            it has ended, and only after every earlier month that has events (exit 2 with the reason \
            otherwise). An event of a closed month that arrives later is accepted as late and billed into \
            the first month still open; a price correction of a closed month's event (costledger reprice) \
            is billed there too. `export --billing-month` of a closed month is byte-identical whenever it \
            is taken.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The UTC month to close, YYYY-MM.")
    var month: String

    func run() async throws {
        guard let closing = CivilMonth(iso: month) else { throw CLIError.usage("--month \(month) is not a month YYYY-MM") }
        let prices = try options.loadPrices()
        let close: CloseRecord
        do {
            close = try await options.app().close(month: closing, prices: prices)
        } catch let error as LedgerError where error.code == .refused {
            throw CLIError.usage("cannot close \(closing): \(error.message)")
        }
        print("closed \(close.month) at sequence \(close.sequence)")
    }
}
