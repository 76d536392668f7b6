import App
import ArgumentParser
import CostLedger
import Foundation
import Pricing

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole ledger between stores: a SQLite file and a PostgreSQL database, either way.",
        discussion: """
            Copies every record with its sequence number, price and hash, and the rollups and free-quota \
            counts they imply, into an empty ledger (a missing SQLite file is created; a PostgreSQL database \
            gets the schema). The source's chain is verified as it is read: a gap or an altered row stops \
            the copy (exit 1) after the last sound chunk. A destination that already holds events is refused \
            (exit 2). Afterwards `verify --db DST` gives the same answer as on the source.
            """
    )

    @Option(help: "The ledger to copy: a SQLite file or a postgres:// URL.")
    var from: String

    @Option(help: "The empty ledger to copy into: a SQLite file or a postgres:// URL.")
    var to: String

    @Option(name: .customLong("pricing"), help: "The price table the ledger was priced with (default: pricing).")
    var pricing = LedgerOptions.defaultPricing

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func run() async throws {
        let source: StoreLocation
        let destination: StoreLocation
        do {
            source = try StoreLocation(from)
            destination = try StoreLocation(to)
        } catch {
            throw CLIError.usage(error.description)
        }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            throw CLIError.usage("--from \(path): no such ledger")
        }
        guard source != destination else { throw CLIError.usage("--from and --to name the same ledger") }
        let prices: PriceTable
        do {
            prices = try PriceTable(directory: pricing)
        } catch {
            throw CLIError.usage("\(error)")
        }
        let progress = ProgressLine(verb: "copy", enabled: !quiet)
        do {
            let report = try await LedgerApp.copy(from: source, to: destination, prices: prices) { copied in
                progress.update("\(copied) events copied", count: Int(copied))
            }
            progress.finish("\(report.copied) events copied", count: Int(report.copied))
            print("copied \(report.copied) events, head \(report.head)")
        } catch let failure as LedgerCopy.Failure {
            throw failure.kind == .destinationNotEmpty ? CLIError.usage(failure.description) : CLIError.problems(failure.description)
        }
    }
}
