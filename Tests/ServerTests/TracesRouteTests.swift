import CostLedger
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// `POST /v1/traces` through the router (contract 12.2); the OpenTelemetry SDK's own exporter
/// against the real binary is `scripts/test-producers`.
@Suite("POST /v1/traces")
struct TracesRouteTests {
    /// An export of one resource with a span per `(span id byte, tenant, input tokens)`; input nil: no usage.
    static func export(_ spans: [(id: UInt8, tenant: String?, input: Int64?)]) -> ByteBuffer {
        var scope = Protobuf()
        for span in spans {
            var message = Protobuf().field(1, bytes: Array(1...16)).field(2, bytes: Array(repeating: span.id, count: 8))
                .field(8, fixed64: 1_795_168_800_000_000_000)
            var attributes: [Protobuf] = [.attribute("http.route", "/chat")]
            if let input = span.input {
                attributes += [
                    .attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.request.model", "gpt-4o"),
                    .attribute("gen_ai.usage.input_tokens", int: input), .attribute("gen_ai.usage.output_tokens", int: 100),
                ]
            }
            if let tenant = span.tenant { attributes.append(.attribute("costledger.tenant_id", tenant)) }
            for attribute in attributes { message = message.field(9, attribute) }
            scope = scope.field(2, message)
        }
        let resource = Protobuf().field(1, .attribute("service.name", "ai-agent"))
        return ByteBuffer(bytes: Protobuf().field(1, Protobuf().field(1, resource).field(2, scope)).bytes)
    }

    @Test("usage spans stored once, others skipped, a foreign tenant refused in partialSuccess; retries store nothing twice", arguments: StoreKind.available)
    func export(_ kind: StoreKind) async throws {
        let fixture = try ServerFixture(kind)
        defer { fixture.directory.remove() }
        let body = Self.export([(1, nil, 1000), (2, nil, nil), (3, "globex", 1000), (4, "acme", 2000)])
        try await fixture.application().test(.router) { client in
            let protobuf = headers(fixture.acmeIngest, contentType: "application/x-protobuf")
            for _ in 0..<2 {
                let answer = try await client.execute(uri: "/v1/traces", method: .post, headers: protobuf, body: body)
                #expect(answer.status == .ok)
                #expect(answer.headers[.contentType] == "application/x-protobuf")
                // partial_success { rejected_spans: 1, error_message: "forbidden: …" }.
                let message = "forbidden: the span is for tenant globex, which this token may not write"
                let partial = Protobuf().field(1, varint: 1).field(2, message)
                #expect(Array(buffer: answer.body) == Protobuf().field(1, partial).bytes)
            }
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("costledger_server_spans_received_total 8\n"))
            for (outcome, count) in [("accepted", 2), ("duplicate", 2), ("rejected", 2), ("skipped", 2)] {
                #expect(metrics.contains("costledger_server_spans_total{outcome=\"\(outcome)\"} \(count)\n"), "\(outcome)")
            }
        }
        let rows = try fixture.testLedger.query("SELECT id, tenant_id FROM events ORDER BY seq")
        #expect(rows == "otel-0102030405060708090a0b0c0d0e0f10-0101010101010101|acme\notel-0102030405060708090a0b0c0d0e0f10-0404040404040404|acme\n")
    }

    @Test("gzip, JSON answers, and the refusals: not OTLP 400, a bomb 413, another media type 415")
    func encodings() async throws {
        let fixture = try ServerFixture(maxBodyBytes: 1 << 20)
        defer { fixture.directory.remove() }
        let directory = fixture.directory
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0101010101010101","endTimeUnixNano":"1795168800000000000","attributes":[{"key":"costledger.tenant_id","value":{"stringValue":"acme"}},{"key":"costledger.worker","value":{"stringValue":"w"}},{"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"-5"}}]}]}]}]}"#
        func gzip(_ name: String, _ bytes: [UInt8]) throws -> ByteBuffer {
            let path = try directory.write(name, String(decoding: bytes, as: UTF8.self))
            _ = try runTool("gzip", ["-kf", path])
            return ByteBuffer(bytes: try Array(Data(contentsOf: URL(fileURLWithPath: path + ".gz"))))
        }
        let compressedJSON = try gzip("export.json", Array(json.utf8))
        // 2 MiB of spaces after the JSON: valid, but twice the limit once decompressed.
        let bomb = try gzip("bomb.json", Array(json.utf8) + Array(repeating: 0x20, count: 2 << 20))
        try await fixture.application().test(.router) { client in
            var gzipJSON = headers(fixture.ingest)
            gzipJSON[.contentEncoding] = "gzip"
            let answer = try await client.execute(uri: "/v1/traces", method: .post, headers: gzipJSON, body: compressedJSON)
            #expect(answer.status == .ok)
            #expect(
                String(buffer: answer.body)
                    == #"{"partialSuccess":{"rejectedSpans":"1","errorMessage":"invalid_value: input_tokens must be between 0 and 100000000"}}"# + "\n")
            #expect(try await client.execute(uri: "/v1/traces", method: .post, headers: gzipJSON, body: bomb).status == .contentTooLarge)
            #expect(try await client.execute(uri: "/v1/traces", method: .post, headers: gzipJSON, body: ByteBuffer(string: json)).status == .badRequest)
            let garbage = ByteBuffer(bytes: [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01])
            let notOTLP = try await client.execute(
                uri: "/v1/traces", method: .post, headers: headers(fixture.ingest, contentType: "application/x-protobuf"), body: garbage)
            #expect(notOTLP.status == .badRequest)
            #expect(String(buffer: notOTLP.body).contains("invalid_otlp"))
            let text = headers(fixture.ingest, contentType: "text/plain")
            #expect(try await client.execute(uri: "/v1/traces", method: .post, headers: text, body: ByteBuffer(string: json)).status == .unsupportedMediaType)
            #expect(try await client.execute(uri: "/v1/traces", method: .post, headers: headers(fixture.finance), body: ByteBuffer(string: json)).status == .forbidden)
        }
    }
}
