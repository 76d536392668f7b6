import Foundation
import TestSupport
import Testing

/// A ledger written before CONTRACT section 11 keeps its meaning: the same chain, costs and exports.
@Suite("A ledger written before section 11 (Tests/Fixtures/ledger-v2.sqlite)")
struct OldLedgerCLITests {
    static let fixtures = Repository.root + "/Tests/Fixtures"
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }
    var common: [String] { ["--db", db, "--pricing", Self.fixtures + "/ledger-v2-pricing"] }

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.fixtures + "/ledger-v2.sqlite", toPath: db)
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
    }

    /// Checks `verify` and both exports against what the previous costledger printed.
    func expectSameAsBefore() throws {
        let verify = try runCostLedger(["verify"] + common)
        #expect(verify.exitCode == 0, "\(verify.stderr)")
        #expect(verify.stdout == (try Self.fixture("ledger-v2.verify.txt")))
        for format in ["csv", "json"] {
            let out = directory.file("export.\(format)")
            let export = try runCostLedger(["export"] + common + ["--from", "2026-10-01", "--to", "2027-01-01", "--format", format, "--out", out])
            #expect(export.exitCode == 0, "\(export.stderr)")
            let now = try String(contentsOfFile: out, encoding: .utf8)
            let before = try Self.fixture("ledger-v2.\(format)")
            let (old, new) = format == "csv" ? (Self.csvLines(before), Self.csvLines(now)) : (Self.jsonObjects(before), Self.jsonObjects(now))
            #expect(new.count == old.count && old.count == (format == "csv" ? 30 : 29), "\(format): \(new.count) rows, \(old.count) before")
            // Section 11.5 only ever appends columns after `estimated`.
            for (oldRow, newRow) in zip(old, new) where newRow != oldRow && !newRow.hasPrefix(oldRow + ",") {
                Issue.record("\(format): \(newRow) does not start with the row written before section 11: \(oldRow)")
            }
        }
    }

    /// The lines of a CSV file without their line break.
    static func csvLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The objects of a one-line JSON array of flat objects, each without its closing brace (no
    /// value of the export holds a brace).
    static func jsonObjects(_ text: String) -> [String] {
        guard text.hasPrefix("[{"), text.hasSuffix("}]\n") else { return [text] }
        return text.dropFirst().dropLast(3).components(separatedBy: "},").map { $0.hasSuffix("}") ? String($0.dropLast()) : $0 }
    }

    @Test("verify prints what it printed before, and the exports keep every old column byte for byte, read-only")
    func readOnly() throws {
        defer { directory.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        try expectSameAsBefore()
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "a reader changed the file")
    }

    @Test("after a writer migrates it, the ledger still verifies and exports the same, and takes new events")
    func migrated() throws {
        defer { directory.remove() }
        let writer = try runCostLedger(["ingest"] + common + ["-"], stdin: "")
        #expect(writer.stdout == #"{"accepted":0,"duplicates":0,"rejected":[]}"# + "\n", "\(writer.stderr)")
        try expectSameAsBefore()
        // The same input again: every accepted event is a duplicate, so its canonical bytes are unchanged.
        let again = try runCostLedger(["ingest"] + common + [Self.fixtures + "/ledger-v2.ndjson"])
        #expect(again.stdout.hasPrefix(#"{"accepted":0,"duplicates":30,"rejected":[{"file":"#), "\(again.stdout)\(again.stderr)")
    }
}
