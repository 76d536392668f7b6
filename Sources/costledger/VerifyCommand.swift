import App
import ArgumentParser
import CostLedger
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole ledger: sequence numbers, the hash chain, every stored cost, and the rollups reports read.",
        discussion: """
            Prints 'ok N events' (with the closes and adjustments when there are any), or what is broken and \
            exits 1: the first bad sequence number and why, or 'N events are priced differently by the current \
            tables (first at sequence S): run costledger reprice' when the chain is intact but --pricing prices \
            events differently from what they were billed, or \
            'broken ledger: …' for a file that is not a ledger (not a database, a corrupt page). Deleting \
            events off the end of the ledger leaves a sound chain: --head (the ledger-head-DATE.json a \
            report wrote, or SEQ:HASH) fails, naming the sequence, when that record is no longer there \
            with that hash. The ledger is opened read-only.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "A record the ledger must still hold: a ledger-head-DATE.json file written by report, or SEQ:HASH.")
    var head: String?

    func run() async throws {
        let expected = try head.map(Self.parseHead)
        let prices = try options.loadPrices()
        do {
            let report = try await options.app().verify(prices: prices, head: expected) { checked in
                FileHandle.standardError.write(Data("verify: \(checked) events checked\n".utf8))
            }
            if let failure = report.failure {
                print("broken at \(failure)")
                throw ExitCode(1)
            }
            if let mismatch = report.rollupMismatch {
                print("broken rollup: \(mismatch)")
                throw ExitCode(1)
            }
            if let drift = report.priceDrift {
                print(drift.description)
                throw ExitCode(1)
            }
            let others = report.closes + report.adjustments > 0 ? " (\(report.closes) closes, \(report.adjustments) adjustments)" : ""
            print("ok \(report.checked) events" + others + (expected.map { ", head \($0.sequence) found" } ?? ""))
        } catch let error as LedgerError {
            guard error.code == .damaged || error.code == .corruptRow else { throw CLIError.usage(error.description) }
            print("broken ledger: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// `--head`: `SEQ:HASH`, or the path of a `ledger-head-DATE.json` file.
    static func parseHead(_ text: String) throws -> LedgerHead {
        if let head = LedgerHead(text) { return head }
        guard let data = FileManager.default.contents(atPath: text) else {
            throw CLIError.usage("--head \(text) is neither SEQ:HASH nor a readable ledger-head file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let sequence = object["sequence"] as? Int, let hash = (object["hash"] as? String).flatMap({ ChainHash(hex: $0) })
        else {
            throw CLIError.usage("\(text): not a ledger head {\"sequence\":N,\"hash\":\"<64 hex digits>\",\"as_of\":\"…\"}")
        }
        return LedgerHead(sequence: Int64(sequence), hash: hash)
    }
}
