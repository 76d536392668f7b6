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
        #expect(try runTool("sqlite3", [db, "PRAGMA user_version"]) == "2\n")
    }

    @Test("after a writer migrates it, the ledger still verifies and exports the same, and takes new events")
    func migrated() throws {
        defer { directory.remove() }
        let writer = try runCostLedger(["ingest"] + common + ["-"], stdin: "")
        #expect(writer.stdout == #"{"accepted":0,"duplicates":0,"late":0,"rejected":[]}"# + "\n", "\(writer.stderr)")
        #expect(try runTool("sqlite3", [db, "PRAGMA user_version"]) == "5\n")
        try expectSameAsBefore()
        // The same input again: every accepted event is a duplicate, so its canonical bytes are unchanged.
        let again = try runCostLedger(["ingest"] + common + [Self.fixtures + "/ledger-v2.ndjson"])
        #expect(again.stdout.hasPrefix(#"{"accepted":0,"duplicates":30,"late":0,"rejected":[{"file":"#), "\(again.stdout)\(again.stderr)")

        // An event with the fields of section 11.1, after the old ones, is stored with them and verifies.
        let event =
            #"{"id":"fx-new-01","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","#
            + #""provider":"openai","model":"gpt-4o","input_tokens":2000,"output_tokens":500,"cached_tokens":100,"cache_write_1h_tokens":200,"#
            + #""input_audio_tokens":300,"input_image_tokens":400,"output_audio_tokens":50,"output_image_tokens":60,"reasoning_tokens":70,"#
            + #""web_search_requests":2,"service_tier":"priority","provider_cost_usd":"0.5"}"#
        let added = try runCostLedger(["ingest"] + common + ["-"], stdin: event + "\n")
        #expect(added.stdout == #"{"accepted":1,"duplicates":0,"late":0,"rejected":[]}"# + "\n", "\(added.stderr)")
        let columns =
            "seq, cache_write_1h_tokens, input_audio_tokens, input_image_tokens, output_audio_tokens, output_image_tokens, "
            + "reasoning_tokens, web_search_requests, service_tier, provider_cost_nanos"
        // Sequence 29 is an API call of the fixture: NULL in every new column.
        let rows = try runTool("sqlite3", [db, "SELECT \(columns) FROM events WHERE seq >= 29"])
        #expect(rows == "29|||||||||\n30|200|300|400|50|60|70|2|priority|500000000\n")
        #expect(try runCostLedger(["verify"] + common).stdout == "ok 30 events\n")
        let retry = try runCostLedger(["ingest"] + common + ["-"], stdin: event.replacingOccurrences(of: #""0.5""#, with: #""0.500000000""#) + "\n")
        #expect(retry.stdout == #"{"accepted":0,"duplicates":1,"late":0,"rejected":[]}"# + "\n")
    }
}
