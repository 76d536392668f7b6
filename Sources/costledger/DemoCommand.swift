import ArgumentParser
import CostLedger
import Foundation
import Optimizer
import Pricing
import Reports

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a sample ledger from a generated month of events and run the report on it.",
        discussion: """
            Generates about 30 days of realistic events up to --as-of for four tenants (cache hits, \
            conversations, batch requests, API calls crossing a free quota, a tenant over budget, a model \
            missing from the price table), ingests them into --db, writes the report into --out and prints \
            a short summary. Event ids depend on as_of's date, so running it twice a day changes nothing.
            """
    )

    @OptionGroup var options: LedgerOptions
    @OptionGroup var time: AsOfOption

    @Option(help: "The directory for the report files.")
    var out = "out"

    func run() throws {
        let asOf = try time.instant()
        let ledger = Ledger(store: try options.openStore(create: true, makeDirectory: true), prices: try options.loadPrices())
        var accepted = 0
        var batch: [Ledger.Candidate] = []
        func flush() throws {
            for outcome in try ledger.append(batch) { if case .accepted = outcome { accepted += 1 } }
            batch.removeAll(keepingCapacity: true)
        }
        for event in DemoEvents(asOf: asOf) {
            batch.append(ledger.candidate(event))
            if batch.count == 5_000 { try flush() }
        }
        try flush()
        let snapshot = try options.snapshot(asOf: asOf, optimizer: OptimizerSettings())
        let files = try NightlyReport(snapshot: snapshot).write(to: out)
        print(DemoSummary(snapshot: snapshot, accepted: accepted, ledgerPath: options.databasePath, files: files).text)
    }
}
