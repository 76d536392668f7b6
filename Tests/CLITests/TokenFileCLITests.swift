import Foundation
import TestSupport
import Testing

/// `costledger token add` writes only what `serve` reads, and both refuse a tokens file others may write.
@Suite("costledger token add: the tokens file")
struct TokenFileCLITests {
    let directory: TemporaryDirectory
    var file: String { directory.file("tokens.csv") }

    init() throws {
        directory = try TemporaryDirectory()
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func add(_ arguments: [String]) throws -> CommandResult {
        try runCostLedger(["token", "add"] + arguments + ["--tokens", file])
    }

    @Test("a row serve would refuse is not written: the file stays byte for byte as it was")
    func refusedRows() throws {
        defer { directory.remove() }
        // A new file, refused: not created at all.
        let first = try add(["x", "--role", "ingest", "--tenants", "a b"])
        #expect(first.exitCode == 2)
        #expect(first.stdout.isEmpty)
        #expect(
            first.stderr
                == "costledger: not added: serve would refuse the row for x in \(file): tenants must be '*' or a ';'-separated list of tenant ids, not 'a b'\n"
        )
        #expect(!FileManager.default.fileExists(atPath: file))

        let created = try add(["worker", "--role", "ingest", "--tenants", "acme,globex"])
        #expect(created.exitCode == 0, "\(created.stderr)")
        #expect(try mode(file) == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        for (arguments, reason) in [
            (["x", "--role", "ingest", "--tenants", "a b"], "tenants must be '*' or a ';'-separated list of tenant ids, not 'a b'"),
            (["x", "--role", "finance", "--tenants", ""], "tenants must be '*' or a ';'-separated list of tenant ids, not ''"),
            (["x", "--role", "admin", "--tenants", ";"], "tenants must be '*' or a ';'-separated list of tenant ids, not ''"),
            (["two\nlines", "--role", "ingest"], "name must be one line of text, not empty"),
            (["", "--role", "ingest"], "name must be one line of text, not empty"),
        ] {
            let result = try add(arguments)
            #expect(result.exitCode == 2, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr == "costledger: not added: serve would refuse the row for \(arguments[0]) in \(file): \(reason)\n")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["tokens.csv"])
    }

    @Test("a group- or world-writable tokens file is refused, naming the file and its mode")
    func writableByOthers() throws {
        defer { directory.remove() }
        #expect(try add(["worker", "--role", "ingest"]).exitCode == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        for mode in [0o660, 0o602, 0o666] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
            let result = try add(["cfo", "--role", "finance"])
            #expect(result.exitCode == 2)
            #expect(result.stdout.isEmpty)
            #expect(
                result.stderr
                    == "costledger: \(file): is group- or world-writable (mode 0\(String(mode, radix: 8))): anyone who can write it can add a token; chmod go-w it\n"
            )
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        }
        // Readable by the group (the service's), writable by the owner only: fine, and the mode stays.
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file)
        let added = try add(["cfo", "--role", "finance"])
        #expect(added.exitCode == 0, "\(added.stderr)")
        #expect(try mode(file) == 0o640)
        let rows = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3 && rows[0] == "token_sha256,name,role,tenants")
        #expect(rows[1].hasSuffix(",worker,ingest,*") && rows[2].hasSuffix(",cfo,finance,*"))
    }

    @Test("a bad row already in the file is named by line, and nothing is added")
    func badExistingRow() throws {
        defer { directory.remove() }
        let text = "token_sha256,name,role,tenants\n" + String(repeating: "a", count: 64) + ",w,ingest,a b\n"
        try directory.write("tokens.csv", text)
        let result = try add(["cfo", "--role", "finance"])
        #expect(result.exitCode == 2)
        #expect(result.stderr == "costledger: \(file):2: tenants must be '*' or a ';'-separated list of tenant ids, not 'a b'\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
    }
}
