import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import Server

/// Contract section 16, in process: what the routes answer to abuse and mistakes. The timeouts,
/// the connection cap and the load promises are proved against the real binary by `scripts/probe`.
@Suite("Hardening")
struct HardeningTests {
    @Test("every 4xx and 5xx has a JSON body with code and message; a wrong method is 405 with Allow")
    func errorBodies() async throws {
        let fixture = try ServerFixture(maxBodyBytes: 64 * 1024)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String?, String, HTTPResponse.Status, String)] = [
                ("/v1/budgets", .get, nil, "", .unauthorized, "unauthorized"),
                ("/v1/budgets", .get, fixture.ingest, "", .forbidden, "forbidden"),
                ("/nowhere", .get, nil, "", .notFound, "not_found"),
                ("/health/live", .post, nil, "", .methodNotAllowed, "method_not_allowed"),
                ("/v1/events", .post, fixture.ingest, "{", .badRequest, "invalid_json"),
                ("/v1/events", .post, fixture.ingest, "[" + String(repeating: "1,", count: 40_000) + "1]", .contentTooLarge, "payload_too_large"),
                ("/v1/tenants/acme/costs?from=2026-12-01&to=2026-11-01", .get, fixture.finance, "", .badRequest, "bad_request"),
                ("/v1/exports/costs.csv?from=2026-12-01&to=2026-11-01", .get, fixture.finance, "", .badRequest, "bad_request"),
            ]
            for (uri, method, token, body, status, code) in cases {
                let response = try await client.execute(uri: uri, method: method, headers: headers(token), body: ByteBuffer(string: body))
                #expect(response.status == status, "\(method) \(uri)")
                let error = try #require(try json(response)["error"] as? [String: String], "\(method) \(uri)")
                #expect(error["code"] == code && !(error["message"] ?? "").isEmpty, "\(method) \(uri)")
            }
            let wrong = try await client.execute(uri: "/v1/events", method: .delete, headers: headers(fixture.ingest))
            #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "POST")
            let costs = try await client.execute(uri: "/v1/tenants/acme/costs", method: .put)
            #expect(costs.headers[.allow] == "GET, HEAD")
        }
    }

    @Test("HEAD answers every GET route without a body; Bearer in any case; path parameters percent-decoded", arguments: StoreKind.available)
    func httpAsClientsExpect(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            var lower = headers(nil)
            lower[.authorization] = "bEaReR " + fixture.ingest
            let event = ServerFixture.event("plus", tenant: "a+b")
            let stored = try await client.execute(uri: "/v1/events", method: .post, headers: lower, body: ByteBuffer(string: event))
            #expect(try json(stored)["accepted"] as? Int == 1)
            for uri in ["/health/live", "/health/ready", "/metrics", "/v1/budgets?as_of=2026-11-20T12:00:00Z"] {
                let head = try await client.execute(uri: uri, method: .head, headers: headers(fixture.finance))
                #expect(head.status == .ok && head.body.readableBytes == 0, "HEAD \(uri)")
            }
            let costs = try await client.execute(
                uri: "/v1/tenants/a%2Bb/costs?from=2026-11-01&to=2026-12-01", method: .get, headers: headers(fixture.finance))
            let rows = try #require(JSONSerialization.jsonObject(with: Data(String(buffer: costs.body).utf8)) as? [[String: Any]])
            // 1000 × 2.50 + 100 × 10 per 1M tokens = 3,500 µUSD, for tenant a+b
            #expect(rows.count == 1 && rows.first?["tenant_id"] as? String == "a+b" && rows.first?["cost_usd"] as? String == "0.003500000")
        }
    }

    @Test("an answer lists the first 1,000 rejections and counts them all; a BOM and application/ndjson are NDJSON", arguments: StoreKind.available)
    func boundedAnswers(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        try await fixture.application().test(.router) { client in
            let invalid = "[" + (0..<5_000).map { #"{"id":"x\#($0)"}"# }.joined(separator: ",") + "]"
            let answer = try json(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: ByteBuffer(string: invalid)))
            let listed = try #require(answer["rejected"] as? [[String: Any]])
            #expect(listed.count == 1_000 && listed.last?["index"] as? Int == 999 && answer["rejected_total"] as? Int == 5_000)

            let tooMany = "[" + String(repeating: "1,", count: 100_000) + "1]"
            let refused = try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: ByteBuffer(string: tooMany))
            #expect(refused.status == .contentTooLarge)
            #expect((try json(refused)["error"] as? [String: String])?["message"]?.contains("100001 events") == true)

            let ndjson = "\u{FEFF}" + ServerFixture.event("bom1") + "\n" + ServerFixture.event("bom2") + "\n"
            let marked = try json(
                try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest, contentType: "application/ndjson"), body: ByteBuffer(string: ndjson)))
            #expect(marked["accepted"] as? Int == 2 && marked["rejected_total"] as? Int == 0)
        }
    }

    @Test("a pipe whose consumer goes away while the producer waits ends the producer, never crashes")
    func abandonedPipe() async throws {
        for _ in 0..<50 {
            let pipe = ChunkPipe(capacity: 2, stallTimeout: 30)
            let ended = Ended()
            let producer = Thread {
                do {
                    for _ in 0..<100 { try pipe.put([1, 2, 3]) }
                } catch {
                    ended.set(error as? ChunkPipe.Ended)
                }
            }
            producer.start()
            var reader: PipeReader? = PipeReader(pipe)
            _ = try await reader?.next()
            reader = nil
            for _ in 0..<200 where ended.value == nil { try await Task.sleep(for: .milliseconds(5)) }
            #expect(ended.value == .cancelled)
        }
    }

    @Test("a producer whose client takes nothing is told it stalled; a failure reaches the consumer after the queued chunks")
    func stalledAndFailedPipe() async throws {
        let stalled = ChunkPipe(capacity: 1, stallTimeout: 0.2)
        try stalled.put([1])
        #expect(throws: ChunkPipe.Ended.stalled) { try stalled.put([2]) }

        struct Broken: Error {}
        let failing = ChunkPipe(capacity: 4, stallTimeout: 30)
        try failing.put([1])
        failing.finish(throwing: Broken())
        #expect(try await failing.next() == [1])
        await #expect(throws: Broken.self) { try await failing.next() }
    }
}

/// The end a producer thread saw, read by the test.
private final class Ended: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: ChunkPipe.Ended?

    var value: ChunkPipe.Ended? { lock.withLock { reason } }

    func set(_ reason: ChunkPipe.Ended?) { lock.withLock { self.reason = reason } }
}
