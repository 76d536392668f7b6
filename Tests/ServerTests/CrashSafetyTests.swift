import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// `costledger serve` as a child process, killed with SIGKILL while clients POST: every event
/// whose POST got a 200 must be in the ledger after a restart, and `verify` must pass.
@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("kill -9 mid-stream loses no acknowledged event")
    func killNine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        let tokenOutput = try runCostLedger(["token", "add", "workers", "--role", "ingest", "--tokens", directory.file("tokens.csv")])
        let token = tokenOutput.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = Int.random(in: 20_000..<40_000)
        let server = try startServer(db: db, tokens: directory.file("tokens.csv"), port: port)
        try await waitUntilLive(port: port)

        let acknowledged = AcknowledgedIDs()
        let stop = StopFlag()
        let clients = (0..<4).map { worker in
            Task.detached {
                var request = 0
                while !stop.isSet && request < 2_000 {
                    let ids = (0..<5).map { "c\(worker)-\(request)-\($0)" }
                    let body = "[" + ids.map(event).joined(separator: ",") + "]"
                    request += 1
                    guard let status = try? await post(body, port: port, token: token) else { continue }
                    if status == 200 { acknowledged.add(ids) }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        stop.set()
        for client in clients { await client.value }
        let acked = acknowledged.ids
        #expect(acked.count > 50, "too few acknowledged events to mean anything: \(acked.count)")

        // Restart on the same file: it must open, and hold every acknowledged event.
        let restarted = try startServer(db: db, tokens: directory.file("tokens.csv"), port: port + 1)
        try await waitUntilLive(port: port + 1)
        restarted.terminate()
        restarted.waitUntilExit()
        let stored = Set(try runTool("sqlite3", [db, "SELECT id FROM events"]).split(separator: "\n").map(String.init))
        let missing = acked.subtracting(stored)
        #expect(missing.isEmpty, "\(missing.count) acknowledged events lost, e.g. \(missing.prefix(3))")
        let verify = try runCostLedger(["verify", "--db", db, "--pricing", Repository.pricing])
        #expect(verify.exitCode == 0 && verify.stdout.hasPrefix("ok "), "\(verify.stdout)")
    }

    @Test("SIGTERM finishes queued commits and exits 0")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("ledger.sqlite")
        let token = try runCostLedger(["token", "add", "w", "--role", "ingest", "--tokens", directory.file("tokens.csv")])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = Int.random(in: 40_000..<50_000)
        let server = try startServer(db: db, tokens: directory.file("tokens.csv"), port: port)
        try await waitUntilLive(port: port)
        let status = try await post("[" + (0..<200).map { event("g\($0)") }.joined(separator: ",") + "]", port: port, token: token)
        #expect(status == 200)
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
        #expect(try runTool("sqlite3", [db, "SELECT count(*) FROM events"]) == "200\n")
    }

    private func startServer(db: String, tokens: String, port: Int) throws -> Process {
        let binary = ProcessInfo.processInfo.environment["COSTLEDGER_BIN"] ?? Repository.root + "/.build/debug/costledger"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--db", db, "--pricing", Repository.pricing, "--tenants", Repository.root + "/config/tenants.csv", "--tokens", tokens,
            "--port", String(port),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func waitUntilLive(port: Int) async throws {
        for _ in 0..<100 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health/live")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ToolError(description: "the server on port \(port) did not come up")
    }
}

private func event(_ id: String) -> String {
    #"{"id":"\#(id)","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":100}"#
}

private func post(_ body: String, port: Int, token: String) async throws -> Int {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/events")!)
    request.httpMethod = "POST"
    request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.utf8)
    let (_, response) = try await URLSession.shared.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
}

/// Event ids whose POST was answered 200, collected from several client tasks.
private final class AcknowledgedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<String> = []

    func add(_ ids: [String]) { lock.withLock { set.formUnion(ids) } }

    var ids: Set<String> { lock.withLock { set } }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
