import ArgumentParser
import CostLedger
import Foundation
import Pricing

/// The options every command takes.
struct LedgerOptions: ParsableArguments {
    @Option(help: "The ledger's SQLite file (default: $COSTLEDGER_DB, else data/ledger.sqlite).")
    var db: String?

    @Option(help: "The directory holding llm.csv and services.csv.")
    var pricing = "pricing"

    @Option(help: "The tenants' budgets file.")
    var tenants = "config/tenants.csv"

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["COSTLEDGER_DB"] ?? "data/ledger.sqlite"
    }

    func loadPrices() throws -> PriceTable {
        do {
            return try PriceTable(directory: pricing)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// Opens the ledger; `create` makes the file (and its directory) when missing.
    func openStore(create: Bool) throws -> SQLiteLedgerStore {
        let path = databasePath
        if !FileManager.default.fileExists(atPath: path) {
            guard create else { throw CLIError.usage("no ledger at \(path) (ingest events first, or pass --db)") }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        do {
            // Readers (reports, exports, verify) do not need ingest's large page cache.
            return try SQLiteLedgerStore(path: path, pageCacheMiB: create ? 64 : 16)
        } catch {
            throw CLIError.usage(error.description)
        }
    }
}

/// Parses a `--from`/`--to`/`--as-of` value: a UTC date `YYYY-MM-DD` or an RFC 3339 time.
func parseInstant(_ text: String, option: String) throws -> Timestamp {
    if let date = CivilDate(iso: text) { return Timestamp(date: date) }
    if let time = Timestamp(rfc3339: text) { return time }
    throw CLIError.usage("\(option) '\(text)' is neither a YYYY-MM-DD date nor an RFC 3339 time")
}
