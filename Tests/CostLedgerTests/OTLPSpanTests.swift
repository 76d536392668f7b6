import CostLedger
import Pricing
import TestSupport
import Testing

@Suite("OTLP spans (12.2)")
struct OTLPSpanTests {
    let decoder = EventDecoder(now: Timestamp(rfc3339: "2026-11-25T00:00:00Z")!)
    static let traceID: [UInt8] = Array(1...16)
    static let spanID: [UInt8] = Array(0xA1...0xA8)
    /// 2026-11-20T10:00:00.123456789Z.
    static let end: UInt64 = 1_795_168_800_123_456_789

    static func span(_ attributes: [Protobuf], error: Bool = false, spanID: [UInt8] = spanID) -> Protobuf {
        var span = Protobuf().field(1, bytes: traceID).field(2, bytes: spanID).field(5, "chat gpt-4o")
            .field(7, fixed64: end - 1_000_000_000).field(8, fixed64: end)
        for attribute in attributes { span = span.field(9, attribute) }
        if error { span = span.field(15, Protobuf().field(2, "boom").field(3, varint: 2)) }
        return span
    }

    static func request(_ spans: [Protobuf], resource: [Protobuf] = [Protobuf.attribute("service.name", "ai-agent")]) -> [UInt8] {
        var scope = Protobuf().field(1, Protobuf().field(1, "opentelemetry.instrumentation.openai"))
        for span in spans { scope = scope.field(2, span) }
        var resourceMessage = Protobuf()
        for attribute in resource { resourceMessage = resourceMessage.field(1, attribute) }
        // scope_spans before resource: fields may come in any order.
        return Protobuf().field(1, Protobuf().field(2, scope).field(1, resourceMessage).field(3, "https://schema")).bytes
    }

    func decode(_ bytes: [UInt8]) throws(OTLPDecodingError) -> OTLPTraceRequest {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(OTLPDecodingError) in try OTLPTraceRequest(protobuf: buffer) } }
        return try result.get()
    }

    func events(_ bytes: [UInt8], defaultTenant: String? = nil) throws -> [SpanOutcome] {
        try decode(bytes).spans.map { decoder.decode(span: $0, defaultTenant: defaultTenant) }
    }

    @Test("a span with every attribute of the table becomes the event it describes")
    func everyField() throws {
        let bytes = Self.request([
            Self.span([
                .attribute("costledger.tenant_id", "acme"), .attribute("costledger.worker", "negotiator"),
                .attribute("costledger.operation", "offer"), .attribute("gen_ai.operation.name", "chat"),
                .attribute("gen_ai.provider.name", "anthropic"), .attribute("gen_ai.system", "openai"),
                .attribute("gen_ai.response.model", "claude-sonnet-4-5-20250929"), .attribute("gen_ai.request.model", "claude-sonnet-4-5"),
                .attribute("gen_ai.usage.input_tokens", int: 5000), .attribute("gen_ai.usage.output_tokens", int: 700),
                .attribute("gen_ai.usage.cache_read.input_tokens", int: 3000), .attribute("gen_ai.usage.cache_write.input_tokens", int: 1000),
                .attribute("gen_ai.usage.cache_creation.input_tokens", int: 9), .attribute("gen_ai.usage.reasoning.output_tokens", int: 200),
                .attribute("gen_ai.conversation.id", "conv-7"), .attribute("costledger.service_tier", "priority"),
                .attribute("costledger.provider_cost_usd", "0.0123"), .attribute("costledger.prompt_fingerprint", "fp-1"),
                .attribute("http.url", "https://api.anthropic.com"),
            ], error: true)
        ])
        let outcomes = try events(bytes)
        let expected = UsageEvent(
            id: "otel-0102030405060708090a0b0c0d0e0f10-a1a2a3a4a5a6a7a8", timestamp: Timestamp(rfc3339: "2026-11-20T10:00:00.123Z")!,
            tenantID: "acme", worker: "negotiator", operation: "offer", conversationID: "conv-7",
            usage: .llm(
                LLMCall(
                    provider: "anthropic", model: "claude-sonnet-4-5-20250929",
                    tokens: LLMUsage(
                        inputTokens: 5000, outputTokens: 700, cachedTokens: 3000, cacheWriteTokens: 1000, reasoningTokens: 200,
                        serviceTier: .priority),
                    promptFingerprint: "fp-1", status: .error, providerCost: Money(nanos: 12_300_000))))
        #expect(outcomes == [.event(expected)])
    }

    @Test("the fallbacks: resource tenant, service.name, gen_ai.operation.name, chat, gen_ai.system, the request model, the older cache attribute")
    func fallbacks() throws {
        let bytes = Self.request(
            [
                Self.span([
                    .attribute("gen_ai.operation.name", "embeddings"), .attribute("gen_ai.system", "openai"),
                    .attribute("gen_ai.request.model", "text-embedding-3-small"), .attribute("gen_ai.usage.input_tokens", int: 800),
                ]),
                Self.span(
                    [
                        .attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.request.model", "gpt-4o"),
                        .attribute("gen_ai.usage.input_tokens", int: 100), .attribute("gen_ai.usage.output_tokens", int: 10),
                        .attribute("gen_ai.usage.cache_creation.input_tokens", int: 30),
                    ], spanID: Array(repeating: 0xFF, count: 8)),
            ], resource: [.attribute("service.name", "ai-agent"), .attribute("costledger.tenant_id", "globex")])
        let outcomes = try events(bytes)
        guard case .event(let first) = outcomes[0], case .llm(let call) = first.usage,
            case .event(let second) = outcomes[1], case .llm(let other) = second.usage
        else {
            Issue.record("not two events: \(outcomes)")
            return
        }
        #expect((first.tenantID, first.worker, first.operation) == ("globex", "ai-agent", "embeddings"))
        #expect((call.provider, call.model, call.tokens) == ("openai", "text-embedding-3-small", LLMUsage(inputTokens: 800, outputTokens: 0)))
        #expect(second.operation == "chat")
        #expect(second.id == "otel-0102030405060708090a0b0c0d0e0f10-ffffffffffffffff")
        #expect(other.tokens == LLMUsage(inputTokens: 100, outputTokens: 10, cacheWriteTokens: 30))
    }

    @Test("the tenant: span, resource, a single-tenant token, else refused")
    func tenant() throws {
        let usage: [Protobuf] = [
            .attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.request.model", "gpt-4o"),
            .attribute("gen_ai.usage.input_tokens", int: 1), .attribute("gen_ai.usage.output_tokens", int: 1),
        ]
        func tenant(_ span: [Protobuf], resource: [Protobuf], token: String?) throws -> String? {
            guard case .event(let event) = try events(Self.request([Self.span(span)], resource: resource), defaultTenant: token)[0] else {
                return nil
            }
            return event.tenantID
        }
        let service = Protobuf.attribute("service.name", "w")
        #expect(try tenant(usage + [.attribute("costledger.tenant_id", "a")], resource: [service, .attribute("costledger.tenant_id", "b")], token: "c") == "a")
        #expect(try tenant(usage, resource: [service, .attribute("costledger.tenant_id", "b")], token: "c") == "b")
        #expect(try tenant(usage, resource: [service], token: "c") == "c")
        let refused = try events(Self.request([Self.span(usage)]), defaultTenant: nil)
        guard case .rejected(let error) = refused[0] else {
            Issue.record("accepted without a tenant")
            return
        }
        #expect(error.code == .missingField)
        #expect(error.eventID == "otel-0102030405060708090a0b0c0d0e0f10-a1a2a3a4a5a6a7a8")
    }

    @Test("spans without usage are skipped; a span failing section 2 is refused with its code")
    func skippedAndRefused() throws {
        let base: [Protobuf] = [.attribute("costledger.tenant_id", "acme"), .attribute("gen_ai.request.model", "gpt-4o")]
        let outcomes = try events(
            Self.request([
                Self.span([.attribute("http.method", "POST")]),
                Self.span(base + [.attribute("gen_ai.usage.input_tokens", int: 10)]),
                Self.span(base + [.attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.usage.input_tokens", int: -1)]),
                Self.span(base + [.attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.usage.output_tokens", "12")]),
                Self.span(base + [.attribute("gen_ai.provider.name", "openai"), .attribute("gen_ai.usage.input_tokens", int: 10),
                    .attribute("gen_ai.usage.cache_read.input_tokens", int: 11)]),
            ]))
        let codes: [EventError.Code?] = outcomes.map {
            if case .rejected(let error) = $0 { return error.code }
            return nil
        }
        #expect(outcomes[0] == .skipped)
        #expect(codes == [nil, .missingField, .invalidValue, .invalidType, .cachedExceedsInput])
    }

    @Test("OTLP JSON: hex ids, intValue as a string or a number, status by number or name")
    func json() throws {
        let text = #"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"ai-agent"}},{"key":"host.name","value":{"stringValue":"h"}}]},
             "scopeSpans":[{"scope":{"name":"s"},"spans":[
              {"traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"a1a2a3a4a5a6a7a8","endTimeUnixNano":"1795168800123456789","status":{"code":"STATUS_CODE_ERROR"},
               "attributes":[{"key":"costledger.tenant_id","value":{"stringValue":"acme"}},{"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},
                {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"1000"}},
                {"key":"gen_ai.usage.output_tokens","value":{"intValue":100}},{"key":"gen_ai.request.temperature","value":{"doubleValue":0.2}}]},
              {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"b1","endTimeUnixNano":1795168800123456789,"status":{"code":1},
               "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"5"}}]}]}]}]}
            """#
        var bytes = Array(text.utf8)
        let request = try bytes.withUnsafeMutableBytes { try OTLPTraceRequest(json: UnsafeRawBufferPointer($0)) }
        #expect(request.spans.count == 2)
        #expect(request.spans[0].traceID == Self.traceID && request.spans[0].spanID == Self.spanID)
        #expect(request.spans[0].endTimeUnixNano == Self.end && request.spans[0].isError)
        #expect(request.spans[0].attributes["gen_ai.usage.output_tokens"] == .int(100))
        #expect(request.spans[0].resourceAttributes == ["service.name": .string("ai-agent")])
        guard case .event(let event) = decoder.decode(span: request.spans[0], defaultTenant: nil) else {
            Issue.record("not an event")
            return
        }
        #expect(event.id == "otel-0102030405060708090a0b0c0d0e0f10-a1a2a3a4a5a6a7a8")
        // A span id that is not 8 bytes is refused, not stored under a made-up id.
        guard case .rejected(let error) = decoder.decode(span: request.spans[1], defaultTenant: "acme") else {
            Issue.record("a 1-byte span id was accepted")
            return
        }
        #expect(error.code == .invalidValue)
        for bad in [#"[]"#, #"{"resourceSpans":{}}"#, #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"endTimeUnixNano":"-1"}]}]}]}"#, "{", #"{"a":1,"a":2}"#] {
            var bytes = Array(bad.utf8)
            #expect(throws: OTLPDecodingError.self) { try bytes.withUnsafeMutableBytes { try OTLPTraceRequest(json: UnsafeRawBufferPointer($0)) } }
        }
    }

    @Test("wrong wire types, huge lengths, truncations and group wire types are errors, never a crash")
    func malformed() throws {
        let valid = Self.request([Self.span([.attribute("gen_ai.usage.input_tokens", int: 1)])])
        // Every truncation of a valid message: an error or fewer spans, never a crash or an out-of-bounds read.
        for length in 0..<valid.count {
            _ = try? decode(Array(valid[..<length]))
        }
        let cases: [[UInt8]] = [
            Protobuf().field(1, varint: 5).bytes,  // resource_spans as a varint
            [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],  // a length of 4 GiB
            [0x0A] + Protobuf.varint(UInt64.max),  // a length of 2^64 - 1
            [0x0B, 0x0C],  // group wire types
            [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],  // an 11-byte varint
            [0x00, 0x00],  // field number 0
            Protobuf().field(1, Protobuf().field(2, Protobuf().field(2, Protobuf().field(8, varint: 1)))).bytes,  // end time as a varint
            Protobuf().field(1, Protobuf().field(2, Protobuf().field(2, Protobuf().field(9, Protobuf().field(1, bytes: [0xC3, 0x28]))))).bytes,
        ]
        for bytes in cases {
            #expect(throws: OTLPDecodingError.self, "\(bytes)") { try decode(bytes) }
        }
        #expect(try decode([]).spans.isEmpty)
    }

    @Test("20,000 mutated messages: each decodes or throws, and a decoded span maps to an outcome")
    func fuzz() {
        var random = SplitMix64(seed: 0x07_1F_5EED)
        let valid = Self.request([
            Self.span([.attribute("costledger.tenant_id", "acme"), .attribute("gen_ai.usage.input_tokens", int: 1)]),
            Self.span([.attribute("gen_ai.usage.output_tokens", int: 7)], error: true),
        ])
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0...random.below(4) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                default: bytes[at] ^= 0x80
                }
            }
            if let request = try? decode(bytes) {
                decoded += 1
                for span in request.spans { _ = decoder.decode(span: span, defaultTenant: nil) }
            }
        }
        #expect(decoded > 0 && decoded < 20_000)
        // Nesting deeper than the JSON reader's limit is an error.
        var deep = Array(#"{"resourceSpans":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 10_000)
        #expect(throws: OTLPDecodingError.self) { try deep.withUnsafeMutableBytes { try OTLPTraceRequest(json: UnsafeRawBufferPointer($0)) } }
    }
}
