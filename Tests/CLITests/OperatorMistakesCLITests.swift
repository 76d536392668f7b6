import Foundation
import TestSupport
import Testing

/// CONTRACT §16, "operator mistakes fail loudly": through the real binary, as an operator types it.
@Suite("costledger: operator mistakes fail loudly")
struct OperatorMistakesCLITests {
    let directory: TemporaryDirectory
    var db: String { directory.file("ledger.sqlite") }

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// One gpt-4o request of 1,000 input tokens at 2.50 USD per 1M: 0.0025 USD.
    static let event =
        #"{"id":"e1","kind":"llm","timestamp":"2026-11-01T08:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":0}"#
        + "\n"

    func ingestEvent() throws {
        let ingest = try runCostLedger(["ingest", "--db", db, "--pricing", Repository.pricing, "-"], stdin: Self.event)
        #expect(ingest.exitCode == 0, "\(ingest.stderr)")
    }

    /// Runs the binary through `sh` with `$COSTLEDGER_DB` set; returns its stderr and exit code as one text.
    func runWithDatabaseVariable(_ path: String, _ arguments: [String], in cwd: String) throws -> String {
        let binary = ProcessInfo.processInfo.environment["COSTLEDGER_BIN"] ?? Repository.root + "/.build/debug/costledger"
        return try runTool(
            "sh", ["-c", #"cd "$1" && shift && COSTLEDGER_DB="$1" && export COSTLEDGER_DB && shift && "$@" 2>&1 </dev/null; echo "exit $?""#,
                "sh", cwd, path, binary] + arguments)
    }

    @Test(
        "a --db URL of a store this build cannot open is exit 2, its password hidden; nothing is created",
        arguments: [["ingest", "-"], ["verify"], ["report", "--out", "out"], ["export", "--from", "2026-11-01", "--to", "2026-12-01"]])
    func unknownStoreURL(command: [String]) throws {
        defer { directory.remove() }
        let result = try runCostLedger(
            command + ["--db", "mysql://ledger:s3cret@db.internal/costs", "--pricing", Repository.pricing], stdin: Self.event,
            in: directory.path)
        #expect(result.exitCode == 2)
        #expect(
            result.stderr
                == "costledger: --db mysql://ledger:***@db.internal/costs: 'mysql://' names no store this build can open; "
                + "give the path of a SQLite file or a postgres:// URL\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a --tenants or --pricing path given on the command line that does not exist is exit 2, naming it; nothing is stored")
    func missingExplicitPaths() throws {
        defer { directory.remove() }
        try ingestEvent()
        let tenants = directory.file("tenats.csv")
        let budgets = try runCostLedger(["budgets", "--db", db, "--pricing", Repository.pricing, "--tenants", tenants])
        #expect(budgets.exitCode == 2)
        #expect(budgets.stderr == "costledger: --tenants \(tenants): no such file or directory\n")
        #expect(budgets.stdout.isEmpty)
        // Also for a command that does not read the tenants: the mistake is the operator's either way.
        let other = directory.file("other.sqlite")
        let ingest = try runCostLedger(["ingest", "--db", other, "--pricing", Repository.pricing, "--tenants", tenants, "-"], stdin: Self.event)
        #expect(ingest.exitCode == 2)
        #expect(ingest.stderr == "costledger: --tenants \(tenants): no such file or directory\n")
        #expect(!FileManager.default.fileExists(atPath: other))
        let pricing = directory.file("princing")
        let report = try runCostLedger(["report", "--db", db, "--pricing", pricing, "--out", directory.file("out")])
        #expect(report.exitCode == 2)
        #expect(report.stderr == "costledger: --pricing \(pricing): no such file or directory\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("out")))
    }

    @Test("without --tenants, a missing config/tenants.csv is a note on stderr and every tenant gets the defaults")
    func missingDefaultTenants() throws {
        defer { directory.remove() }
        try ingestEvent()
        let arguments = ["budgets", "--db", db, "--pricing", Repository.pricing, "--as-of", "2026-11-01T12:00:00Z", "--format", "csv"]
        // The test's directory has no config/: the default path is absent.
        let budgets = try runCostLedger(arguments, in: directory.path)
        #expect(budgets.exitCode == 0)
        #expect(budgets.stderr == "costledger: note: no config/tenants.csv: every tenant gets the default budgets\n")
        // The defaults are those of a tenants file without rows (100 USD a day, 2,000 a month, UTC):
        let empty = try directory.write("empty.csv", "tenant_id,daily_budget_usd,monthly_budget_usd,per_conversation_limit_usd,warning_threshold,critical_threshold,timezone\n")
        let listed = try runCostLedger(arguments + ["--tenants", empty])
        #expect(listed.exitCode == 0 && listed.stderr.isEmpty)
        #expect(budgets.stdout == listed.stdout)
        let row = budgets.stdout.split(separator: "\n")[1].split(separator: ",").map(String.init)
        // tenant_id, timezone, day_spend_usd, daily_budget_usd
        #expect(Array(row.prefix(4)) == ["acme", "UTC", "0.002500000", "100.000000000"])
    }

    @Test("a time zone must be an IANA name: GMT+5, UTC+2 and EST5EDT are refused, naming file and line; UTC and Etc/GMT+5 are fine")
    func ianaTimeZones() throws {
        defer { directory.remove() }
        try ingestEvent()
        let header = "tenant_id,daily_budget_usd,monthly_budget_usd,per_conversation_limit_usd,warning_threshold,critical_threshold,timezone\n"
        for zone in ["GMT+5", "UTC+2", "EST5EDT", "CET", "Europe/Atlantis", "europe/bucharest"] {
            let tenants = try directory.write("tenants.csv", header + "acme,10,100,1,0.7,0.9,UTC\nglobex,10,100,1,0.7,0.9,\(zone)\n")
            let budgets = try runCostLedger(["budgets", "--db", db, "--pricing", Repository.pricing, "--tenants", tenants])
            #expect(budgets.exitCode == 2)
            #expect(
                budgets.stderr
                    == "costledger: \(tenants):3: timezone '\(zone)' is not an IANA time zone name (such as Europe/Bucharest, Etc/GMT-5 or UTC)\n")
        }
        // Etc/GMT+5 is five hours behind UTC (the IANA sign): 2026-11-01T08:00Z is 03:00 on 1 November there.
        let tenants = try directory.write("tenants.csv", header + "acme,10,100,1,0.7,0.9,Etc/GMT+5\nglobex,10,100,1,0.7,0.9,UTC\n")
        let budgets = try runCostLedger(
            ["budgets", "--db", db, "--pricing", Repository.pricing, "--tenants", tenants, "--as-of", "2026-11-01T12:00:00Z", "--format", "csv"])
        #expect(budgets.exitCode == 0, "\(budgets.stderr)")
        let rows = budgets.stdout.split(separator: "\n").dropFirst().map { Array($0.split(separator: ",").prefix(3)) }
        #expect(rows == [["acme", "Etc/GMT+5", "0.002500000"], ["globex", "UTC", "0.000000000"]])
    }

    @Test("--db or $COSTLEDGER_DB in a directory that does not exist is exit 2 and creates nothing; the default data/ledger.sqlite creates data/")
    func databaseDirectory() throws {
        defer { directory.remove() }
        let missing = directory.file("no-such-dir/ledger.sqlite")
        let ingest = try runCostLedger(["ingest", "--db", missing, "--pricing", Repository.pricing, "-"], stdin: Self.event)
        #expect(ingest.exitCode == 2)
        #expect(ingest.stderr == "costledger: no directory \(directory.file("no-such-dir")) for the ledger \(missing) (create it first)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("no-such-dir")))
        let viaVariable = try runWithDatabaseVariable(missing, ["ingest", "--pricing", Repository.pricing, "-"], in: directory.path)
        #expect(viaVariable == "costledger: no directory \(directory.file("no-such-dir")) for the ledger \(missing) (create it first)\nexit 2\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("no-such-dir")))
        // Neither --db nor $COSTLEDGER_DB: data/ledger.sqlite under the working directory, data/ created.
        let defaulted = try runCostLedger(["ingest", "--pricing", Repository.pricing, "-"], stdin: Self.event, in: directory.path)
        #expect(defaulted.exitCode == 0, "\(defaulted.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("data/ledger.sqlite")))
        // Readers never create a ledger.
        let export = try runCostLedger(["export", "--db", directory.file("none.sqlite"), "--from", "2026-11-01", "--to", "2026-12-01"])
        #expect(export.exitCode == 2)
        #expect(export.stderr == "costledger: no ledger at \(directory.file("none.sqlite")) (ingest events first, or pass --db)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("none.sqlite")))
    }

    @Test("demo makes the directory of the ledger it creates")
    func demoDirectory() throws {
        defer { directory.remove() }
        let ledger = directory.file("data/ledger.sqlite")
        let demo = try runCostLedger(
            ["demo", "--db", ledger, "--pricing", Repository.pricing, "--tenants", Repository.root + "/config/tenants.csv",
             "--as-of", "2026-11-20T18:00:00Z", "--out", directory.file("out")])
        #expect(demo.exitCode == 0, "\(demo.stderr)")
        #expect(FileManager.default.fileExists(atPath: ledger))
    }

    @Test("export with --to before --from is a usage error, not an empty export")
    func exportRangeReversed() throws {
        defer { directory.remove() }
        try ingestEvent()
        let out = directory.file("costs.csv")
        let export = try runCostLedger(["export", "--db", db, "--from", "2026-11-02", "--to", "2026-11-01", "--out", out])
        #expect(export.exitCode == 2)
        #expect(export.stderr == "costledger: --to 2026-11-01 is before --from 2026-11-02\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        // An empty range [X, X) is not a mistake: the header alone.
        let empty = try runCostLedger(["export", "--db", db, "--from", "2026-11-01", "--to", "2026-11-01"])
        #expect(empty.exitCode == 0)
        #expect(empty.stdout.split(separator: "\n").count == 1)
    }
}
