import CostLedger
import SQLiteStore
import Foundation
import Pricing
import TestSupport
import Testing

@Suite("The store read-only, its head, and a damaged file")
struct ReadOnlyStoreTests {
    @Test("a read-only store reads every record and writes nothing, not even a migration")
    func readOnly() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        try await fixture.append([LedgerFixture.llmCall("e1"), LedgerFixture.apiCall("a1")])
        let path = fixture.directory.file("ledger.sqlite")
        let reader = try SQLiteLedgerStore(readOnlyPath: path)
        #expect(try await Ledger(store: reader, prices: LedgerFixture.prices).verify().checked == 2)
        let candidate = fixture.ledger.candidate(try fixture.decoder.decode(LedgerFixture.llmCall("e2")))
        await #expect(throws: LedgerError.self) { try await Ledger(store: reader, prices: LedgerFixture.prices).append([candidate]) }
        #expect(try runTool("sqlite3", [path, "SELECT count(*) FROM events"]) == "2\n")

        _ = try runTool("sqlite3", [path, "PRAGMA user_version = 1"])
        do {
            _ = try SQLiteLedgerStore(readOnlyPath: path)
            Issue.record("a version 1 file was opened read-only")
        } catch {
            #expect(error.code == .storage && error.message.contains("schema version 1 is older"), "\(error)")
        }
        #expect(try runTool("sqlite3", [path, "PRAGMA user_version"]) == "1\n")
    }

    @Test("the head is the last record up to as_of; check(head:) finds it gone or rewritten")
    func head() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.directory.remove() }
        // Ledger order is not time order: e3 (sequence 3) is older than e2 (sequence 2).
        try await fixture.append([
            LedgerFixture.llmCall("e1", at: "2026-11-10T10:00:00Z"), LedgerFixture.llmCall("e2", at: "2026-11-12T10:00:00Z"),
            LedgerFixture.llmCall("e3", at: "2026-11-11T10:00:00Z"),
        ])
        let records = try await fixture.records()
        func head(_ time: String) async throws -> LedgerHead? { try await fixture.store.head(asOf: Timestamp(rfc3339: time)!) }
        #expect(try await head("2026-11-10T09:59:59.999Z") == nil)
        #expect(try await head("2026-11-10T10:00:00Z") == LedgerHead(sequence: 1, hash: records[0].hash))
        #expect(try await head("2026-11-11T12:00:00Z") == LedgerHead(sequence: 3, hash: records[2].hash))
        #expect(try await head("2026-11-13T00:00:00Z") == LedgerHead(sequence: 3, hash: records[2].hash))
        #expect(LedgerHead("3:" + records[2].hash.description) == LedgerHead(sequence: 3, hash: records[2].hash))
        #expect(LedgerHead("3:" + records[2].hash.description.dropLast()) == nil && LedgerHead("-1:" + records[2].hash.description) == nil)

        #expect(try await fixture.ledger.check(head: LedgerHead(sequence: 3, hash: records[2].hash)) == nil)
        #expect(try await fixture.ledger.check(head: .empty) == nil)
        let rewritten = try await fixture.ledger.check(head: LedgerHead(sequence: 2, hash: records[2].hash))
        #expect(rewritten?.sequence == 2)
        #expect(rewritten?.reason == "the record's hash is not the head's \(records[2].hash): the ledger was rewritten")
        let beyond = try await fixture.ledger.check(head: LedgerHead(sequence: 5, hash: records[2].hash))
        #expect(beyond?.sequence == 5)
        #expect(beyond?.reason == "the ledger no longer holds this record: it ends at sequence 3 (events were deleted off its end)")
    }

    @Test("a file that is not a database, or has a corrupt page, is a damaged ledger")
    func damaged() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let garbage = try directory.write("garbage.sqlite", String(repeating: "not a database\n", count: 400))
        let empty = try directory.write("empty.sqlite", "")
        for path in [garbage, empty] {
            do {
                _ = try SQLiteLedgerStore(readOnlyPath: path)
                Issue.record("\(path) was opened")
            } catch {
                #expect(error.code == .damaged, "\(error)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
    }
}
