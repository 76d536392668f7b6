import CostLedger
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

@Suite("serve --unknown-models reject")
struct UnknownModelsTests {
    @Test("a POSTed event only a fallback would price is rejected as unknown_model; with provider_cost_usd it is stored", arguments: StoreKind.available)
    func rejects(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind, unknownModels: .reject)
        defer { fixture.directory.remove() }
        let unknown = #"{"id":"m1","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","provider":"acme-ai","model":"mystery-1","input_tokens":10,"output_tokens":1}"#
        let reported = unknown.replacingOccurrences(of: #""m1""#, with: #""m2""#)
            .replacingOccurrences(of: #""output_tokens":1}"#, with: #""output_tokens":1,"provider_cost_usd":"0.25"}"#)
        let body = ByteBuffer(string: "[" + [unknown, reported, ServerFixture.event("m3")].joined(separator: ",") + "]")
        try await fixture.application().test(.router) { client in
            let answer = try json(try await client.execute(uri: "/v1/events", method: .post, headers: headers(fixture.ingest), body: body))
            #expect(answer["accepted"] as? Int == 2 && answer["rejected_total"] as? Int == 1)
            let rejected = try #require((answer["rejected"] as? [[String: Any]])?.first)
            #expect(rejected["index"] as? Int == 0 && rejected["error"] as? String == "unknown_model")
        }
    }
}
