import App
import ArgumentParser
import BudgetEngine
import CostLedger
import Foundation
import Optimizer
import Pricing
import Reports

/// Options of the commands that look at time.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "The report time, RFC 3339 or YYYY-MM-DD (default: now). Later events are ignored.")
    var asOf: String?

    func instant() throws -> Timestamp {
        try asOf.map { try parseInstant($0, option: "--as-of") } ?? .now()
    }
}

extension LedgerOptions {
    /// Loads the tenants file. Only the default `config/tenants.csv` may be absent (a missing
    /// `--tenants` is refused by ``requireGivenPaths()``); then a note on stderr says every tenant
    /// gets the defaults.
    func loadTenants() throws -> TenantDirectory {
        if tenantsOption == nil && !FileManager.default.fileExists(atPath: tenants) {
            printError("note: no \(tenants): every tenant gets the default budgets")
            return TenantDirectory()
        }
        do {
            return try TenantDirectory(contentsOf: tenants, missingIsEmpty: false)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    func loadDowngrades() throws -> DowngradeMap {
        do {
            return try DowngradeMap(contentsOf: pricing + "/recommend.csv")
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// Sums the ledger for `asOf`; runs the optimiser only when given its settings.
    func snapshot(asOf: Timestamp, optimizer: OptimizerSettings? = nil) async throws -> ReportSnapshot {
        try await app().snapshot(
            asOf: asOf, prices: try loadPrices(), tenants: try loadTenants(), downgrades: try loadDowngrades(), optimizer: optimizer)
    }
}
