import ArgumentParser
import CostLedger
import Foundation

/// The `costledger` command: a thin shell over the library modules.
@main
struct CostLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "costledger",
        abstract: "Accounts for what the platform spends on LLMs and external APIs.",
        discussion: """
            An append-only, hash-chained ledger of usage events, priced exactly (nano-USD) from the \
            versioned price tables in pricing/. Exit codes: 0 success, 1 the work ran but found \
            problems (rejected events, a broken ledger), 2 bad usage or an unreadable input file.
            """,
        subcommands: [
            IngestCommand.self, ServeCommand.self, ReportCommand.self, BudgetsCommand.self, RecommendCommand.self, ExportCommand.self, TextfileCommand.self, VerifyCommand.self,
            CloseCommand.self, RepriceCommand.self, QuoteCommand.self, PricesCommand.self, DemoCommand.self, TokenCommand.self, CopyCommand.self,
        ]
    )

    /// Runs the command; maps errors to the contract's exit codes (ArgumentParser uses 64 for usage errors).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as CLIError {
            printError(error.message)
            Foundation.exit(error.exitCode)
        } catch let error as LedgerError {
            // The ledger could not be opened or read: an unreadable input.
            printError(error.message)
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            printError(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}
