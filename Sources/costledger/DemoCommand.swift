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
            Generates about 30 days of realistic events up to --as-of for four tenants on current models of \
            the price catalogue (cache hits, five-minute and one-hour cache writes, reasoning tokens, web \
            searches, batch, flex and priority requests, conversations, a gateway reporting its own cost, API \
            calls crossing a free quota, a tenant over budget, a model no price row knows), ingests them into \
            --db, writes the report into --out and prints a short summary, with what was estimated. Event ids \
            depend on as_of's date, so running it twice a day changes nothing.
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
        let traffic = try DemoTraffic(store: try options.openReader(), asOf: asOf)
        print(DemoSummary(snapshot: snapshot, traffic: traffic, accepted: accepted, ledgerPath: try options.databasePath(), files: files).text)
    }
}
