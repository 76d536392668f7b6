import Foundation
import TestSupport
import Testing

@Suite("costledger demo")
struct DemoCLITests {
    @Test("generates a month, writes the report, and running it twice changes nothing")
    func demo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let arguments = [
            "demo", "--db", directory.file("ledger.sqlite"), "--pricing", Repository.pricing, "--tenants",
            Repository.root + "/config/tenants.csv", "--as-of", "2026-11-20T18:00:00Z", "--out", directory.file("out"),
        ]
        let first = try runCostLedger(arguments)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("exceeded"))
        #expect(first.stdout.contains("priced by a fallback row"))
        #expect(FileManager.default.fileExists(atPath: directory.file("out/budgets-2026-11-20.csv")))
        let budgets = try String(contentsOfFile: directory.file("out/budgets-2026-11-20.csv"), encoding: .utf8)
        let second = try runCostLedger(arguments)
        #expect(second.stdout.contains("(0 new)"))
        #expect(try String(contentsOfFile: directory.file("out/budgets-2026-11-20.csv"), encoding: .utf8) == budgets)
        let verify = try runCostLedger(["verify", "--db", directory.file("ledger.sqlite"), "--pricing", Repository.pricing])
        #expect(verify.exitCode == 0 && verify.stdout.hasPrefix("ok "))
    }
}
