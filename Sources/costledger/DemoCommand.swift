import App
import ArgumentParser
import CostLedger
import Foundation
import Optimizer
import Pricing
import Reports

struct DemoCommand: AsyncParsableCommand {
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

    func run() async throws {
        let asOf = try time.instant()
        let ledger = Ledger(store: try await options.openStore(create: true, makeDirectory: true), prices: try options.loadPrices())
        var accepted = 0
        var batch: [Ledger.Candidate] = []
        for event in DemoEvents(asOf: asOf) {
            batch.append(ledger.candidate(event))
            if batch.count == 5_000 {
                accepted += try await Self.append(batch, to: ledger)
                batch.removeAll(keepingCapacity: true)
            }
        }
        accepted += try await Self.append(batch, to: ledger)
        await ledger.store.close()
        let snapshot = try await options.snapshot(asOf: asOf, optimizer: OptimizerSettings())
        let files = try NightlyReport(snapshot: snapshot).write(to: out)
        let app = try options.app()
        let traffic = try await app.withReader { try await DemoTraffic(store: $0, asOf: asOf) }
        print(DemoSummary(snapshot: snapshot, traffic: traffic, accepted: accepted, ledger: app.location.description, files: files).text)
    }

    /// Appends a batch; the number of events accepted.
    private static func append(_ batch: [Ledger.Candidate], to ledger: Ledger) async throws -> Int {
        var accepted = 0
        for outcome in try await ledger.append(batch) { if case .accepted = outcome { accepted += 1 } }
        return accepted
    }
}
