import Foundation
import TestSupport
import Testing

/// Readers open the ledger read-only; `verify` tells a damaged file and a truncated ledger from a sound one.
@Suite("costledger verify: read-only copies, damaged files, truncation")
struct LedgerIntegrityCLITests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }
    var common: [String] { ["--db", db, "--pricing", Repository.pricing] }

    init() throws {
        directory = try TemporaryDirectory()
        let file = try directory.write("events.ndjson", IngestExportCLITests.events)
        let ingest = try runCostLedger(["ingest", "--db", directory.file("ledger.sqlite"), "--pricing", Repository.pricing, file])
        #expect(ingest.exitCode == 0, "\(ingest.stderr)")
    }

    func sqlite(_ path: String, _ sql: String) throws -> String {
        try runTool("sqlite3", [path, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func hash(at sequence: Int) throws -> String {
        try sqlite(db, "SELECT lower(hex(hash)) FROM events WHERE seq = \(sequence)")
    }

    /// The binary, the pricing directory and the tenants file, copied where `nobody` can read them:
    /// the checkout itself may sit in a directory only its owner can enter (a `mktemp -d` clone).
    func unprivilegedWorld() throws -> (binary: String, pricing: String, tenants: String) {
        let binary = ProcessInfo.processInfo.environment["COSTLEDGER_BIN"] ?? Repository.root + "/.build/debug/costledger"
        guard getuid() == 0 else { return (binary, Repository.pricing, Repository.root + "/config/tenants.csv") }
        let world = directory.file("world")
        try FileManager.default.createDirectory(atPath: world, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: binary, toPath: world + "/costledger")
        try FileManager.default.copyItem(atPath: Repository.pricing, toPath: world + "/pricing")
        try FileManager.default.copyItem(atPath: Repository.root + "/config/tenants.csv", toPath: world + "/tenants.csv")
        _ = try runTool("chmod", ["-R", "a+rX", directory.path])
        return (world + "/costledger", world + "/pricing", world + "/tenants.csv")
    }

    /// Runs `binary` as `nobody` (uid 65534) when this process is root, else as this user; its stdout.
    func runUnprivileged(_ binary: String, _ arguments: [String]) throws -> String {
        guard getuid() == 0 else { return try runTool(binary, arguments) }
        return try runTool("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary] + arguments)
    }

    @Test("a root-owned, read-only copy is verified, exported and reported on by an unprivileged user; its bytes do not change")
    func readOnlyCopy() throws {
        defer {
            chmod(directory.file("backup"), 0o755)
            directory.remove()
        }
        let backup = directory.file("backup/ledger.sqlite")
        try FileManager.default.createDirectory(atPath: directory.file("backup"), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: db, toPath: backup)
        // Neither the file nor its directory can be written: SQLite can create no -wal or -shm file.
        #expect(chmod(backup, 0o444) == 0 && chmod(directory.file("backup"), 0o555) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: backup))
        let world = try unprivilegedWorld()

        #expect(try runUnprivileged(world.binary, ["verify", "--db", backup, "--pricing", world.pricing]) == "ok 4 events\n")
        let export = try runUnprivileged(
            world.binary, ["export", "--db", backup, "--pricing", world.pricing, "--from", "2026-10-24", "--to", "2026-10-25"])
        #expect(export.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["sequence,event_id", "1,e1", "2,e2"])
        let budgets = try runUnprivileged(
            world.binary,
            ["budgets", "--db", backup, "--pricing", world.pricing, "--tenants", world.tenants,
             "--as-of", "2026-11-02T00:00:00Z", "--format", "csv"])
        #expect(budgets.hasPrefix("tenant_id,timezone,"))

        #expect(try Data(contentsOf: URL(fileURLWithPath: backup)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("backup")) == ["ledger.sqlite"])
    }

    @Test("verify on a file that is not a ledger exits 1 with 'broken ledger'; a missing file stays exit 2")
    func damagedFiles() throws {
        defer { directory.remove() }
        let garbage = try directory.write("garbage.sqlite", String(repeating: "not a ledger, not a database\n", count: 200))
        let notDatabase = try runCostLedger(["verify", "--db", garbage, "--pricing", Repository.pricing])
        #expect(notDatabase.exitCode == 1)
        #expect(notDatabase.stdout == "broken ledger: \(garbage): statement failed: file is not a database\n")

        let empty = try directory.write("empty.sqlite", "")
        let noLedger = try runCostLedger(["verify", "--db", empty, "--pricing", Repository.pricing])
        #expect(noLedger.exitCode == 1)
        #expect(noLedger.stdout == "broken ledger: \(empty) holds no ledger (no costledger tables)\n")

        // A corrupt page: the type byte of the events table's page (4 events fit in its root) overwritten.
        let corrupt = directory.file("corrupt.sqlite")
        try FileManager.default.copyItem(atPath: db, toPath: corrupt)
        let root = try #require(Int(try sqlite(corrupt, "SELECT rootpage FROM sqlite_schema WHERE name = 'events'")))
        let pageSize = try #require(Int(try sqlite(corrupt, "PRAGMA page_size")))
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: corrupt))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        handle.write(Data([0xFF]))
        try handle.close()
        let broken = try runCostLedger(["verify", "--db", corrupt, "--pricing", Repository.pricing])
        #expect(broken.exitCode == 1)
        #expect(broken.stdout.hasPrefix("broken ledger: \(corrupt): "))
        #expect(broken.stdout.hasSuffix("database disk image is malformed\n"))

        let missing = try runCostLedger(["verify", "--db", directory.file("none.sqlite"), "--pricing", Repository.pricing])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr == "costledger: no ledger at \(directory.file("none.sqlite")) (ingest events first, or pass --db)\n")
    }

    @Test("report writes the head; verify --head finds events deleted off the end, naming the sequence, where plain verify cannot")
    func truncation() throws {
        defer { directory.remove() }
        // The events are e1 (seq 1) and e2 (seq 2) on 2026-10-24, e3 (seq 3) on 2026-10-31, e4 (seq 4) on 2026-11-01.
        let out = directory.file("out")
        let report = try runCostLedger(["report"] + common + ["--as-of", "2026-11-02T00:00:00Z", "--out", out])
        #expect(report.exitCode == 0, "\(report.stderr)")
        let headFile = out + "/ledger-head-2026-11-02.json"
        let hash4 = try hash(at: 4)
        #expect(try String(contentsOfFile: headFile, encoding: .utf8) == #"{"sequence":4,"hash":"\#(hash4)","as_of":"2026-11-02T00:00:00.000Z"}"# + "\n")
        let textfile = try String(contentsOfFile: out + "/costledger.prom", encoding: .utf8)
        #expect(
            textfile.contains(
                "# HELP cerniq_etapa3_costledger_ledger_head_sequence Sequence number of the last ledger record counted (timestamp up to as_of); "
                    + "verify --head checks it is still there.\n# TYPE cerniq_etapa3_costledger_ledger_head_sequence gauge\n"
                    + "cerniq_etapa3_costledger_ledger_head_sequence 4\n"))
        // A report for an earlier as_of counts, and names, only the records up to it.
        _ = try runCostLedger(["report"] + common + ["--as-of", "2026-10-25T00:00:00Z", "--out", out])
        let hash2 = try hash(at: 2)
        #expect(
            try String(contentsOfFile: out + "/ledger-head-2026-10-25.json", encoding: .utf8)
                == #"{"sequence":2,"hash":"\#(hash2)","as_of":"2026-10-25T00:00:00.000Z"}"# + "\n")

        let sound = try runCostLedger(["verify"] + common + ["--head", headFile])
        #expect(sound.exitCode == 0)
        #expect(sound.stdout == "ok 4 events, head 4 found\n")

        // The attack: drop the trigger, delete the last two events, and mark the file as of the old
        // layout so that the next writer rebuilds the rollups from what is left.
        _ = try sqlite(db, "DROP TRIGGER events_append_only_delete; DELETE FROM events WHERE seq > 2; PRAGMA user_version = 1;")
        // Readers do not migrate a file: they open it read-only.
        let unmigrated = try runCostLedger(["verify"] + common)
        #expect(unmigrated.exitCode == 2)
        #expect(
            unmigrated.stderr
                == "costledger: \(db): schema version 1 is older than this costledger's (5); it cannot be read read-only until a command that writes (ingest, serve) migrates it\n"
        )
        let writer = try runCostLedger(["ingest"] + common + ["-"], stdin: "")
        #expect(writer.stdout == #"{"accepted":0,"duplicates":0,"late":0,"rejected":[]}"# + "\n")
        #expect(try runCostLedger(["verify"] + common).stdout == "ok 2 events\n")

        let expectedFailure = "broken at sequence 4: the ledger no longer holds this record: it ends at sequence 2 (events were deleted off its end)\n"
        for head in [headFile, "4:" + hash4, "4:" + hash4.uppercased()] {
            let truncated = try runCostLedger(["verify"] + common + ["--head", head])
            #expect(truncated.exitCode == 1)
            #expect(truncated.stdout == expectedFailure)
        }
        let earlier = try runCostLedger(["verify"] + common + ["--head", "2:" + hash2])
        #expect(earlier.exitCode == 0)
        #expect(earlier.stdout == "ok 2 events, head 2 found\n")
        let rewritten = try runCostLedger(["verify"] + common + ["--head", "2:" + hash4])
        #expect(rewritten.exitCode == 1)
        #expect(rewritten.stdout == "broken at sequence 2: the record's hash is not the head's \(hash4): the ledger was rewritten\n")
        let nonsense = try runCostLedger(["verify"] + common + ["--head", "4:xyz"])
        #expect(nonsense.exitCode == 2)
        #expect(nonsense.stderr == "costledger: --head 4:xyz is neither SEQ:HASH nor a readable ledger-head file\n")
    }
}
