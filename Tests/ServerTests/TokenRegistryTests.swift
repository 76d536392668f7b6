import Foundation
import Server
import TestSupport
import Testing

@Suite("Bearer tokens")
struct TokenRegistryTests {
    @Test("a token authenticates by its SHA-256 only; others do not")
    func authenticate() {
        let (token, row) = TokenRegistry.issue(name: "worker", role: .ingest, tenants: ["acme"])
        #expect(row.sha256.count == 64 && !row.sha256.contains(token))
        let registry = TokenRegistry(tokens: [row, TokenRegistry.issue(name: "cfo", role: .finance, tenants: nil).row])
        #expect(registry.authenticate(token)?.name == "worker")
        #expect(registry.authenticate(token + "x") == nil)
        #expect(registry.authenticate("") == nil)
        #expect(row.allows(tenant: "acme") && !row.allows(tenant: "globex"))
        // SHA-256("abc"), the FIPS 180-2 test vector.
        #expect(AccessToken.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("token add prints the token once and stores only its hash; the file loads back")
    func tokenAdd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("tokens.csv")
        let added = try runCostLedger(["token", "add", "ai-agent", "--role", "ingest", "--tenants", "acme;globex", "--tokens", file])
        #expect(added.exitCode == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("cl_") && token.count == 67)
        _ = try runCostLedger(["token", "add", "finance", "--role", "finance", "--tokens", file])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains(token))
        #expect(text.hasPrefix("token_sha256,name,role,tenants\n"))
        let registry = try TokenRegistry(contentsOf: file)
        #expect(registry.tokens.count == 2)
        #expect(registry.authenticate(token)?.tenants == ["acme", "globex"])
        #expect(registry.tokens[1].tenants == nil)
        #expect(try runCostLedger(["token", "add", "x", "--role", "root", "--tokens", file]).exitCode == 2)
    }

    @Test("a bad tokens file names the line")
    func badFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("tokens.csv", "token_sha256,name,role,tenants\nsecret-token,w,ingest,*\n")
        #expect(throws: TokenFileError.self) { try TokenRegistry(contentsOf: path) }
        do {
            _ = try TokenRegistry(contentsOf: path)
        } catch {
            #expect(error.line == 2 && error.message.contains("64 hex digits"))
        }
    }
}
