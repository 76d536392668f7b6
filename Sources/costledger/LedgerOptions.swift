import App
import ArgumentParser
import CostLedger
import Foundation
import Pricing

/// The options every command takes.
struct LedgerOptions: ParsableArguments {
    static let defaultDatabase = "data/ledger.sqlite"
    static let defaultPricing = "pricing"
    static let defaultTenants = "config/tenants.csv"

    @Option(
        help: "The ledger: a SQLite file, or a postgres:// URL (default: $COSTLEDGER_DB, else data/ledger.sqlite).")
    var db: String?

    // Optional so that a path given on the command line is known: only the defaults may be absent.
    @Option(name: .customLong("pricing"), help: "The directory holding llm.csv and services.csv (default: pricing).")
    var pricingOption: String?

    @Option(
        name: .customLong("tenants"),
        help: "The tenants' budgets file (default: config/tenants.csv; when that is absent every tenant gets the default budgets).")
    var tenantsOption: String?

    var pricing: String { pricingOption ?? Self.defaultPricing }
    var tenants: String { tenantsOption ?? Self.defaultTenants }

    /// The ledger's location, from `--db`, `$COSTLEDGER_DB` or the default.
    func location() throws -> StoreLocation {
        do {
            return try StoreLocation(db ?? ProcessInfo.processInfo.environment["COSTLEDGER_DB"] ?? Self.defaultDatabase)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// A `--pricing` or `--tenants` path given on the command line must exist, whether or not the
    /// command reads it: a misspelt path is an operator's mistake, never "no file". Every command
    /// opens the ledger or loads the prices, which check it here (`validate()` cannot:
    /// ArgumentParser would print the error with a prefix).
    func requireGivenPaths() throws {
        for (option, path) in [("--pricing", pricingOption), ("--tenants", tenantsOption)] {
            if let path, !FileManager.default.fileExists(atPath: path) {
                throw CLIError.usage("\(option) \(path): no such file or directory")
            }
        }
    }

    func loadPrices() throws -> PriceTable {
        try requireGivenPaths()
        do {
            return try PriceTable(directory: pricing)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// Whether the ledger is the default `data/ledger.sqlite`: neither `--db` nor `$COSTLEDGER_DB` named it.
    var isDefaultDatabase: Bool { db == nil && ProcessInfo.processInfo.environment["COSTLEDGER_DB"] == nil }

    /// Opens the ledger to write; `create` makes a SQLite file when missing. A missing directory
    /// is created only for the default `data/ledger.sqlite` or when `makeDirectory` says so (the
    /// demo): a `--db` or `$COSTLEDGER_DB` in a directory that does not exist is a mistake, not a
    /// new ledger. A PostgreSQL database gets the schema on first write.
    func openStore(create: Bool, makeDirectory: Bool = false) async throws -> any LedgerStore {
        try requireGivenPaths()
        let location = try location()
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            guard create else { throw CLIError.usage("no ledger at \(path) (ingest events first, or pass --db)") }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
                guard isDefaultDatabase || makeDirectory else {
                    throw CLIError.usage("no directory \(directory) for the ledger \(path) (create it first)")
                }
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        do {
            return try await location.openWriter()
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// The use cases over this ledger, once the given paths and a SQLite ledger's file are
    /// checked: readers (reports, exports) never create a ledger.
    func app() throws -> LedgerApp {
        try requireGivenPaths()
        let location = try location()
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw CLIError.usage("no ledger at \(path) (ingest events first, or pass --db)")
        }
        return LedgerApp(location: location)
    }
}

/// Parses a `--from`/`--to`/`--as-of` value: a UTC date `YYYY-MM-DD` or an RFC 3339 time.
func parseInstant(_ text: String, option: String) throws -> Timestamp {
    if let date = CivilDate(iso: text) { return Timestamp(date: date) }
    if let time = Timestamp(rfc3339: text) { return time }
    throw CLIError.usage("\(option) '\(text)' is neither a YYYY-MM-DD date nor an RFC 3339 time")
}
