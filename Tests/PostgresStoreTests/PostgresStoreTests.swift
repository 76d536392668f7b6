import CostLedger
import Foundation
import PostgresStore
import Pricing
import Testing

/// What the PostgreSQL store promises beyond answering like the SQLite one: the schema, the
/// append-only trigger, many writers, snapshots and lost connections (CONTRACT section 13).
@Suite("The PostgreSQL store", .enabled(if: PostgresTestDatabase.isAvailable, PostgresTestDatabase.skipReason))
struct PostgresStoreTests {
    /// Decoded candidates of `json` for `ledger`.
    static func candidates(_ json: [String], _ ledger: Ledger) throws -> [Ledger.Candidate] {
        try json.map { ledger.candidate(try TestEvents.decoder.decode($0)) }
    }

    static func code(of body: () async throws -> Void) async -> LedgerError.Code? {
        do {
            try await body()
            return nil
        } catch let error as LedgerError {
            return error.code
        } catch {
            Issue.record("expected a LedgerError, got \(error)")
            return nil
        }
    }

    @Test("a reader of an empty database finds no ledger and creates nothing; the first writer creates the schema")
    func schemaOnFirstWrite() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let tables = "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        do {
            _ = try await PostgresLedgerStore.openReader(url: database.url)
            Issue.record("a reader opened an empty database")
        } catch {
            #expect(error.code == .damaged)
            #expect(error.message.contains("holds no ledger"))
        }
        #expect(try database.sql(tables) == "0\n")

        // Two writers opening at once: one creates the schema, the other finds it.
        async let first = PostgresLedgerStore.openWriter(url: database.url)
        async let second = PostgresLedgerStore.openWriter(url: database.url)
        let writers = try await [first, second]
        #expect(try database.sql("SELECT version FROM costledger_schema") == "2\n")
        #expect(try database.sql("SELECT count(*) FROM events") == "0\n")
        let reader = try await PostgresLedgerStore.openReader(url: database.url)
        #expect(try await reader.recordCount() == 0)
        #expect(try await reader.sequenceRange(.all) == nil)
        #expect(try await reader.head(asOf: Timestamp(millis: .max)) == nil)
        #expect(await reader.isWritable() == false)
        #expect(await Self.code { _ = try await reader.write { try await $0.tail() } } == .storage)
        #expect(await writers[0].isWritable())
        await reader.close()
        for writer in writers { await writer.close() }
    }

    @Test("the database refuses UPDATE, DELETE and TRUNCATE of events")
    func appendOnly() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let store = try await PostgresLedgerStore.openWriter(url: database.url)
        let ledger = Ledger(store: store, prices: try TestEvents.prices())
        _ = try await ledger.append(try Self.candidates(TestEvents.mixed(20), ledger))
        for (statement, verb) in [
            ("UPDATE events SET cost_nanos = 0", "updated"), ("DELETE FROM events WHERE seq = 20", "deleted"),
            ("TRUNCATE events", "truncated"), ("DELETE FROM events WHERE seq > 1000", "deleted"),
        ] {
            let result = try psql(database.url, statement)
            #expect(result.status != 0, "\(statement) succeeded")
            #expect(result.errors.contains("the ledger is append-only: events cannot be \(verb)"), "\(result.errors)")
        }
        #expect(try await store.recordCount() == 20)
        #expect(try await ledger.verify().isSound)
        await store.close()
    }

    @Test("an id sent to two writers at once is stored once: the other answer is a duplicate or id_conflict")
    func concurrentSameID() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let prices = try TestEvents.prices()
        let stores = [try await PostgresLedgerStore.openWriter(url: database.url), try await PostgresLedgerStore.openWriter(url: database.url)]
        let ledgers = stores.map { Ledger(store: $0, prices: prices) }
        let time = TestEvents.start
        for round in 0..<20 {
            let same = round % 2 == 0
            let a = try Self.candidates([TestEvents.llm("race-\(round)", at: time)], ledgers[0])
            let b = try Self.candidates([TestEvents.llm("race-\(round)", at: time, input: same ? 1000 : 1001)], ledgers[1])
            async let first = ledgers[0].append(a)
            async let second = ledgers[1].append(b)
            let outcomes = try await [first[0], second[0]]
            let accepted = outcomes.filter { if case .accepted = $0 { true } else { false } }
            #expect(accepted.count == 1, "\(outcomes)")
            let other = outcomes.first { if case .accepted = $0 { false } else { true } }
            switch other {
            case .duplicate(let sequence)?: #expect(same && sequence == Int64(round + 1))
            case .conflict(let error)?: #expect(!same && error.code == .idConflict)
            default: Issue.record("round \(round): \(outcomes)")
            }
        }
        #expect(try await stores[0].recordCount() == 20)
        #expect(try await ledgers[1].verify().isSound)
        for store in stores { await store.close() }
    }

    @Test("two writers appending at once make one gapless sequence, one chain and one free-quota order")
    func concurrentWriters() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let prices = try TestEvents.prices()
        let stores = [try await PostgresLedgerStore.openWriter(url: database.url), try await PostgresLedgerStore.openWriter(url: database.url)]
        let ledgers = stores.map { Ledger(store: $0, prices: prices) }
        let batches = 25
        let perBatch = 12
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (writer, ledger) in ledgers.enumerated() {
                let events = TestEvents.mixed(batches * perBatch, prefix: "w\(writer)-")
                group.addTask {
                    for batch in 0..<batches {
                        let slice = Array(events[(batch * perBatch)..<((batch + 1) * perBatch)])
                        let outcomes = try await ledger.append(try Self.candidates(slice, ledger))
                        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } })
                    }
                }
            }
            try await group.waitForAll()
        }
        var sequences: [Int64] = []
        var freeHunterCalls: [String: Int] = [:]
        try await stores[0].forEachRecord(.all) { record in
            sequences.append(record.sequence)
            if record.pricing.freeQuota, case .api(let call) = record.event.usage, call.service == "hunter" {
                freeHunterCalls[String(record.event.timestamp.description.prefix(7)), default: 0] += 1
            }
        }
        #expect(sequences == Array(1...Int64(2 * batches * perBatch)))
        #expect(freeHunterCalls.values.allSatisfy { $0 == 25 }, "\(freeHunterCalls)")
        let report = try await ledgers[1].verify()
        #expect(report.isSound, "\(String(describing: report.failure)) \(report.rollupMismatch ?? "")")
        for store in stores { await store.close() }
    }

    @Test("a reader reads one snapshot from open to close; a read its body stops leaves it usable")
    func readerSnapshot() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let writer = try await PostgresLedgerStore.openWriter(url: database.url)
        let ledger = Ledger(store: writer, prices: try TestEvents.prices())
        _ = try await ledger.append(try Self.candidates(TestEvents.mixed(30), ledger))
        let reader = try await PostgresLedgerStore.openReader(url: database.url)
        _ = try await ledger.append(try Self.candidates(TestEvents.mixed(10, prefix: "later-"), ledger))
        #expect(try await writer.recordCount() == 40)
        #expect(try await reader.recordCount() == 30)

        struct Stop: Error {}
        var seen = 0
        await #expect(throws: Stop.self) {
            try await reader.forEachRecord(.all) { _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        var all = 0
        try await reader.forEachRecord(.all) { _ in all += 1 }
        #expect(seen == 3 && all == 30)
        #expect(try await reader.sequenceRange(.all) == 1...30)
        await reader.close()

        let fresh = try await PostgresLedgerStore.openReader(url: database.url)
        #expect(try await fresh.recordCount() == 40)
        #expect(try await Ledger(store: fresh, prices: try TestEvents.prices()).verify().isSound)
        await fresh.close()
        await writer.close()
    }

    @Test("a batch larger than one INSERT is appended whole")
    func largeBatch() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let store = try await PostgresLedgerStore.openWriter(url: database.url)
        let ledger = Ledger(store: store, prices: try TestEvents.prices())
        let outcomes = try await ledger.append(try Self.candidates(TestEvents.mixed(10_500), ledger))
        #expect(outcomes.last == .accepted(sequence: 10_500))
        #expect(try await store.recordCount() == 10_500)
        #expect(try await ledger.verify().isSound)
        await store.close()
    }

    @Test("a lost connection: the write in flight fails with storage, the next one reconnects; a reader's loss is final")
    func lostConnection() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let store = try await PostgresLedgerStore.openWriter(url: database.url)
        let ledger = Ledger(store: store, prices: try TestEvents.prices())
        let events = TestEvents.mixed(3)
        _ = try await ledger.append(try Self.candidates([events[0]], ledger))
        let reader = try await PostgresLedgerStore.openReader(url: database.url)

        try database.terminateConnections()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await ledger.append(try Self.candidates([events[1]], ledger)) == [.accepted(sequence: 2)])
        #expect(await store.isWritable())
        #expect(await Self.code { _ = try await reader.recordCount() } == .storage)
        await reader.close()

        // The connection drops inside a write: nothing of it is committed.
        let code = await Self.code {
            _ = try await store.write { transaction in
                _ = try await transaction.tail()
                try database.terminateConnections()
                try await Task.sleep(for: .milliseconds(200))
                return try await transaction.tail()
            }
        }
        #expect(code == .storage)
        #expect(try await ledger.append(try Self.candidates([events[2]], ledger)) == [.accepted(sequence: 3)])
        #expect(try await ledger.verify().isSound)
        await store.close()
    }

    @Test(
        "sslmode: require and prefer connect over TLS, disable without; verify-full checks the certificate",
        .enabled(if: ProcessInfo.processInfo.environment["COSTLEDGER_TEST_POSTGRES_TLS"] == "on", "the test server offers no TLS"))
    func tls() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let ssl = "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE datname = current_database() AND pid <> pg_backend_pid()"
        var modes = [("require", "t"), ("prefer", "t"), ("disable", "f")]
        if let authority = ProcessInfo.processInfo.environment["COSTLEDGER_TEST_POSTGRES_CA"] {
            modes.append(("verify-full&sslrootcert=\(authority)", "t"))
        }
        for (mode, expected) in modes {
            let store = try await PostgresLedgerStore.openWriter(url: database.url + "?sslmode=\(mode)")
            #expect(try database.sql(ssl) == expected + "\n", "sslmode=\(mode)")
            await store.close()
        }
        // The server's certificate is self-signed: no system root vouches for it.
        await #expect(throws: LedgerError.self) { _ = try await PostgresLedgerStore.openWriter(url: database.url + "?sslmode=verify-full") }
    }

    @Test("an unreachable server is a storage error after a few retries, and no message shows the password")
    func unreachable() async throws {
        let started = ContinuousClock.now
        do {
            _ = try await PostgresLedgerStore.openWriter(url: "postgres://costledger:s3cret@127.0.0.1:1/ledger")
            Issue.record("connected to port 1")
        } catch {
            #expect(error.code == .storage)
            #expect(!error.message.contains("s3cret") && error.message.contains("postgres://costledger:***@127.0.0.1:1/ledger"))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(900))
        do {
            _ = try await PostgresLedgerStore.openReader(url: "postgres://costledger:s3cret@127.0.0.1:port/ledger")
            Issue.record("a malformed URL opened")
        } catch {
            #expect(error.code == .location)
            #expect(!error.message.contains("s3cret"))
        }
    }
}
