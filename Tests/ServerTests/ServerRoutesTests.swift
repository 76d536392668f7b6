import CostLedger
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import TestSupport
import Testing

/// A server over a fresh ledger, with one token of each kind.
struct ServerFixture {
    let testLedger: TestLedger
    let configuration: ServerConfiguration
    let ingest: String
    let acmeIngest: String
    let finance: String
    let acmeFinance: String

    init(_ kind: StoreKind = .sqlite, maxBodyBytes: Int = 8 << 20, unknownModels: UnknownModelPolicy = .estimate) throws {
        testLedger = try TestLedger(kind)
        let directory = testLedger.directory
        var rows: [String] = []
        func issue(_ name: String, _ role: Role, _ tenants: Set<String>?) -> String {
            let (token, row) = TokenRegistry.issue(name: name, role: role, tenants: tenants)
            rows.append("\(row.sha256),\(name),\(role.rawValue),\(tenants.map { $0.sorted().joined(separator: ";") } ?? "*")")
            return token
        }
        ingest = issue("workers", .ingest, nil)
        acmeIngest = issue("acme-worker", .ingest, ["acme"])
        finance = issue("finance", .finance, nil)
        acmeFinance = issue("acme-finance", .finance, ["acme"])
        let tokens = try directory.write("tokens.csv", "token_sha256,name,role,tenants\n" + rows.joined(separator: "\n") + "\n")
        var configuration = ServerConfiguration(
            location: testLedger.location, pricingDirectory: Repository.pricing,
            tenantsPath: Repository.root + "/config/tenants.csv", tokensPath: tokens)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.unknownModels = unknownModels
        self.configuration = configuration
    }

    var directory: TemporaryDirectory { testLedger.directory }

    func application() async throws -> some ApplicationProtocol {
        try await buildServer(configuration, logger: Logger(label: "test")).application
    }

    static func event(_ id: String, tenant: String = "acme", input: Int = 1000) -> String {
        #"{"id":"\#(id)","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"\#(tenant)","worker":"w","operation":"classification","provider":"openai","model":"gpt-4o","input_tokens":\#(input),"output_tokens":100}"#
    }
}

func headers(_ token: String?, contentType: String = "application/json") -> HTTPFields {
    var fields: HTTPFields = [.contentType: contentType]
    if let token { fields[.authorization] = "Bearer " + token }
    return fields
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
}

@Suite("HTTP API")
struct ServerRoutesTests {
    @Test("POST /v1/events: one object, an array or NDJSON; duplicates acknowledged; invalid items rejected; others stored", arguments: StoreKind.available)
    func postEvents(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            let one = try await client.execute(
                uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: ByteBuffer(string: ServerFixture.event("e1")))
            #expect(one.status == .ok)
            #expect(String(buffer: one.body) == #"{"accepted":1,"duplicates":0,"late":0,"rejected":[],"rejected_total":0}"# + "\n")

            let array = "[" + ServerFixture.event("e1") + "," + ServerFixture.event("e2") + #",{"id":"bad","kind":"llm"},"# + ServerFixture.event("e1", input: 5) + "]"
            let mixed = try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: ByteBuffer(string: array))
            #expect(mixed.status == .ok)
            let result = try json(mixed)
            #expect(result["accepted"] as? Int == 1 && result["duplicates"] as? Int == 1)
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["index"] as? Int } == [2, 3])
            #expect(rejected.map { $0["error"] as? String } == ["missing_field", "id_conflict"])

            let ndjson = ServerFixture.event("e3") + "\n\nnot json\n" + ServerFixture.event("e4") + "\n"
            let lines = try await client.execute(
                uri: "/v1/events", method: .post, headers: headers(fixture.ingest, contentType: "application/x-ndjson"), body: ByteBuffer(string: ndjson))
            let linesResult = try json(lines)
            #expect(linesResult["accepted"] as? Int == 2)
            #expect((linesResult["rejected"] as? [[String: Any]])?.first?["error"] as? String == "invalid_json")
        }
        let count = try fixture.testLedger.query("SELECT count(*) FROM events")
        #expect(count == "4\n")
    }

    @Test("every status code: 400, 401, 403, 413, 200, 503 readiness")
    func statusCodes() async throws {
        let fixture = try ServerFixture(maxBodyBytes: 64 * 1024)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            let event = ByteBuffer(string: ServerFixture.event("e1"))
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers(nil), body: event).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers("nope"), body: event).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.finance), body: event).status == .forbidden)
            let other = ByteBuffer(string: "[" + ServerFixture.event("a1") + "," + ServerFixture.event("g1", tenant: "globex") + "]")
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.acmeIngest), body: other).status == .forbidden)
            let broken = ByteBuffer(string: #"{"id": "#)
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: broken).status == .badRequest)
            let big = ByteBuffer(string: "[" + Array(repeating: ServerFixture.event("x"), count: 400).joined(separator: ",") + "]")
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: big).status == .contentTooLarge)
            #expect(try await client.execute(uri: "/v1/budgets", method: .get, headers: headers(fixture.ingest)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/tenants/globex/costs?from=2026-11-01&to=2026-12-01", method: .get, headers: headers(fixture.acmeFinance)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/tenants/acme/costs?from=someday&to=2026-12-01", method: .get, headers: headers(fixture.finance)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/exports/costs.csv?from=2026-11-01&to=2026-12-01", method: .get, headers: headers(fixture.acmeFinance)).status == .forbidden)
            let live = try await client.execute(uri: "/health/live", method: .get)
            #expect(live.status == .ok && String(buffer: live.body) == #"{"status":"alive"}"#)
            #expect(try await client.execute(uri: "/health/ready", method: .get).status == .ok)
            // Nothing of the refused requests was stored.
            #expect(try fixture.testLedger.query("SELECT count(*) FROM events") == "0\n")
        }
    }

    @Test("finance reads costs, budgets, recommendations and the streamed export of its tenants", arguments: StoreKind.available)
    func readRoutes(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            let body = ByteBuffer(string: "[" + ServerFixture.event("a1") + "," + ServerFixture.event("g1", tenant: "globex") + "]")
            _ = try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: body)

            let costs = try await client.execute(uri: "/v1/tenants/acme/costs?from=2026-11-01&to=2026-12-01", method: .get, headers: headers(fixture.acmeFinance))
            #expect(costs.status == .ok)
            let rows = try #require(JSONSerialization.jsonObject(with: Data(String(buffer: costs.body).utf8)) as? [[String: Any]])
            // 1000 × 2.50 + 100 × 10 per 1M tokens = 3,500 µUSD
            #expect(rows.count == 1 && rows[0]["cost_usd"] as? String == "0.003500000" && rows[0]["tenant_id"] as? String == "acme")

            let budgets = try await client.execute(uri: "/v1/budgets?as_of=2026-11-20T12:00:00Z", method: .get, headers: headers(fixture.acmeFinance))
            let visible = try #require(JSONSerialization.jsonObject(with: Data(String(buffer: budgets.body).utf8)) as? [[String: Any]])
            #expect(visible.map { $0["tenant_id"] as? String } == ["acme"])

            let recommendations = try await client.execute(uri: "/v1/recommendations?as_of=2026-11-20T12:00:00Z&window_days=7", method: .get, headers: headers(fixture.finance))
            #expect(recommendations.status == .ok && String(buffer: recommendations.body).hasPrefix("["))

            let export = try await client.execute(uri: "/v1/exports/costs.csv?from=2026-11-01&to=2026-12-01&tenant=acme", method: .get, headers: headers(fixture.acmeFinance))
            #expect(export.status == .ok)
            let lines = String(buffer: export.body).split(separator: "\n")
            #expect(lines.count == 2 && lines[1].hasPrefix("1,a1,2026-11-20T10:00:00.000Z,acme,llm"))
            let focus = try await client.execute(uri: "/v1/exports/costs.csv?from=2026-11-01&to=2026-12-01&format=focus", method: .get, headers: headers(fixture.finance))
            #expect(String(buffer: focus.body).hasPrefix("BilledCost,BillingAccountId"))
            // FOCUS 1.4 unless focus_version=1.2 asks for section 10's file; any other version is a 400.
            let exports = "/v1/exports/costs.csv?from=2026-11-01&to=2026-12-01"
            let header14 = String(buffer: focus.body).prefix { $0 != "\n" }
            #expect(header14.contains(",HostProviderName,") && header14.contains(",ServiceProviderName,") && !header14.contains(",ProviderName,"))
            let focus12 = try await client.execute(uri: exports + "&format=focus&focus_version=1.2", method: .get, headers: headers(fixture.finance))
            let header12 = String(buffer: focus12.body).prefix { $0 != "\n" }
            #expect(focus12.status == .ok && header12.contains(",ProviderName,PublisherName,") && !header12.contains("HostProviderName"))
            let focus13 = try await client.execute(uri: exports + "&format=focus&focus_version=1.3", method: .get, headers: headers(fixture.finance))
            #expect(focus13.status == .badRequest && String(buffer: focus13.body).contains("focus_version must be 1.2 or 1.4"))
            let csvVersion = try await client.execute(uri: exports + "&focus_version=1.2", method: .get, headers: headers(fixture.finance))
            #expect(csvVersion.status == .badRequest && String(buffer: csvVersion.body).contains("focus_version applies only to format=focus"))
            // billing_month (contract 14.3) instead of from and to: the same rows for a month with no close.
            let billed = try await client.execute(uri: "/v1/exports/costs.csv?billing_month=2026-11&tenant=acme", method: .get, headers: headers(fixture.acmeFinance))
            #expect(billed.status == .ok && String(buffer: billed.body) == String(buffer: export.body))
            for (query, message) in [
                ("billing_month=2026-11&from=2026-11-01", "billing_month replaces from and to"), ("billing_month=2026-13", "billing_month must be a month YYYY-MM"),
            ] {
                let refused = try await client.execute(uri: "/v1/exports/costs.csv?" + query, method: .get, headers: headers(fixture.finance))
                #expect(refused.status == .badRequest && String(buffer: refused.body).contains(message), "\(query)")
            }

            let metrics = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"costledger_server_events_total{outcome="accepted"} 2"#))
            #expect(text.contains(#"costledger_server_requests_total{route="/v1/events",status="200"} 1"#))
            #expect(text.contains("costledger_server_commit_seconds_count 1"))
        }
    }

    @Test("a storm of concurrent clients loses nothing and counts nothing twice", arguments: StoreKind.available)
    func concurrentStorm(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        let clients = 16
        let requests = 40
        try await fixture.application().test(.live) { client in
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for worker in 0..<clients {
                    group.addTask {
                        var accepted = 0
                        var duplicates = 0
                        for request in 0..<requests {
                            // Every fourth request re-sends the previous event (a retry).
                            let id = request % 4 == 3 ? "w\(worker)-\(request - 1)" : "w\(worker)-\(request)"
                            let response = try await client.execute(
                                uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: ByteBuffer(string: ServerFixture.event(id)))
                            let result = try json(response)
                            accepted += result["accepted"] as? Int ?? 0
                            duplicates += result["duplicates"] as? Int ?? 0
                        }
                        return (accepted, duplicates)
                    }
                }
                var accepted = 0
                var duplicates = 0
                for try await (a, d) in group {
                    accepted += a
                    duplicates += d
                }
                #expect(accepted == clients * requests * 3 / 4)
                #expect(duplicates == clients * requests / 4)
            }
        }
        #expect(try fixture.testLedger.query("SELECT count(*), count(DISTINCT id), sum(cost_nanos) FROM events") == "480|480|1680000000\n")
        let verify = try runCostLedger(["verify", "--db", fixture.testLedger.dbArgument, "--pricing", Repository.pricing])
        #expect(verify.stdout == "ok 480 events\n")
    }
}
