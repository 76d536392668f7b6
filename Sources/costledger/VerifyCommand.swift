import ArgumentParser
import CostLedger
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole ledger: sequence numbers, the hash chain, every stored cost, and the rollups reports read.",
        discussion: "Prints 'ok N events', or the first bad sequence number and why, and exits 1."
    )

    @OptionGroup var options: LedgerOptions

    func run() throws {
        let ledger = Ledger(store: try options.openStore(create: false), prices: try options.loadPrices())
        let report = try ledger.verify { checked in
            FileHandle.standardError.write(Data("verify: \(checked) events checked\n".utf8))
        }
        if let failure = report.failure {
            print("broken at sequence \(failure.sequence): \(failure.reason)")
            throw ExitCode(1)
        }
        if let mismatch = report.rollupMismatch {
            print("broken rollup: \(mismatch)")
            throw ExitCode(1)
        }
        print("ok \(report.checked) events")
    }
}
