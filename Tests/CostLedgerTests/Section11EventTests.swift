import CostLedger
import Foundation
import Pricing
import Testing

/// The LLM fields of CONTRACT section 11.1: parsing, validation and canonical bytes.
@Suite("Section 11.1 event fields")
struct Section11EventTests {
    let decoder = EventDecoder(now: Timestamp(rfc3339: "2026-11-24T12:00:00Z")!)

    /// 1,000 input and 200 output tokens; each case adds fields.
    static let llm = EventValidationTests.llm
    static let api = EventValidationTests.api

    func decode(_ extra: String, base: String = llm) throws(EventError) -> UsageEvent {
        try decoder.decode("{" + base + extra + "}")
    }

    /// The rejection of the event with `extra` fields added: its code and message, or nil when accepted.
    func rejection(_ extra: String) -> (code: String, message: String)? {
        do {
            _ = try decode(extra)
            return nil
        } catch {
            return (error.code.rawValue, error.message)
        }
    }

    @Test("every field is read, and provider_cost_usd is kept exactly as nano-USD")
    func everyField() throws {
        let event = try decode(
            #","cached_tokens":100,"cache_write_tokens":200,"cache_write_1h_tokens":300,"input_audio_tokens":150,"#
                + #""input_image_tokens":250,"output_audio_tokens":60,"output_image_tokens":40,"reasoning_tokens":120,"#
                + #""web_search_requests":3,"service_tier":"flex","provider_cost_usd":"0.012345678""#)
        guard case .llm(let call) = event.usage else {
            Issue.record("expected an LLM event")
            return
        }
        #expect(
            call.tokens
                == LLMUsage(
                    inputTokens: 1000, outputTokens: 200, cachedTokens: 100, cacheWriteTokens: 200, batch: false, cacheWrite1hTokens: 300,
                    inputAudioTokens: 150, inputImageTokens: 250, outputAudioTokens: 60, outputImageTokens: 40, reasoningTokens: 120,
                    webSearchRequests: 3, serviceTier: .flex))
        // 0.012345678 USD = 12,345,678 nano-USD.
        #expect(call.providerCost == Money(nanos: 12_345_678))
    }

    @Test("absent and null fields take their defaults: 0, no provider cost, the tier batch implies")
    func defaults() throws {
        let cases = [("", ServiceTier.standard), (#","batch":true"#, .batch), (#","service_tier":null,"provider_cost_usd":null"#, .standard)]
        for (extra, tier) in cases {
            guard case .llm(let call) = try decode(extra).usage else {
                Issue.record("expected an LLM event")
                continue
            }
            #expect(call.tokens.serviceTier == tier && call.providerCost == nil && call.tokens.usesOnlySection2)
            #expect(call.tokens.cacheWrite1hTokens == 0 && call.tokens.reasoningTokens == 0 && call.tokens.webSearchRequests == 0)
        }
        // batch false with the batch tier is what the provider says it served: kept as given.
        guard case .llm(let call) = try decode(#","batch":false,"service_tier":"batch""#).usage else { return }
        #expect(call.tokens.batch == false && call.tokens.serviceTier == .batch)
    }

    /// Fields added to the 1,000-input, 200-output event, and the code and field its rejection names.
    struct Rejection: Sendable, CustomTestStringConvertible {
        var extra: String
        var code: String
        var names: String
        var testDescription: String { extra }

        init(_ extra: String, _ code: String, _ names: String) {
            self.extra = extra
            self.code = code
            self.names = names
        }
    }

    static let rejections: [Rejection] = [
        // cached + cache_write + cache_write_1h > input: 600 + 300 + 101 = 1,001.
        Rejection(#","cached_tokens":600,"cache_write_tokens":300,"cache_write_1h_tokens":101"#, "cached_exceeds_input", "cache_write_1h_tokens"),
        Rejection(#","cache_write_1h_tokens":1001"#, "cached_exceeds_input", "cache_write_1h_tokens"),
        // Checked before the parts: 1,001 cached and 5 audio tokens are cached_exceeds_input.
        Rejection(#","cached_tokens":1001,"input_audio_tokens":5"#, "cached_exceeds_input", "cached_tokens"),
        // The input's parts: 500 + 300 + 201 = 1,001; 100 + 200 + 300 + 401 = 1,001; 1,001 of audio alone.
        Rejection(#","cached_tokens":500,"input_audio_tokens":300,"input_image_tokens":201"#, "parts_exceed_total", "input_image_tokens"),
        Rejection(#","cached_tokens":100,"cache_write_tokens":200,"cache_write_1h_tokens":300,"input_image_tokens":401"#, "parts_exceed_total", "input_tokens"),
        Rejection(#","input_audio_tokens":1001"#, "parts_exceed_total", "input_audio_tokens"),
        // The output's parts: 150 + 51 = 201 > 200; reasoning 201 > 200.
        Rejection(#","output_audio_tokens":150,"output_image_tokens":51"#, "parts_exceed_total", "output_image_tokens"),
        Rejection(#","output_image_tokens":201"#, "parts_exceed_total", "output_tokens"),
        Rejection(#","reasoning_tokens":201"#, "parts_exceed_total", "reasoning_tokens"),
        // Tiers.
        Rejection(#","service_tier":"turbo""#, "invalid_value", "service_tier"),
        Rejection(#","service_tier":"Flex""#, "invalid_value", "service_tier"),
        Rejection(#","service_tier":"""#, "invalid_value", "service_tier"),
        Rejection(#","service_tier":2"#, "invalid_type", "service_tier"),
        Rejection(#","batch":true,"service_tier":"flex""#, "invalid_value", "service_tier"),
        Rejection(#","batch":true,"service_tier":"standard""#, "invalid_value", "service_tier"),
        // provider_cost_usd: 10 fractional digits, negative, a number, an exponent, other shapes, above Int64 nanos.
        Rejection(#","provider_cost_usd":"0.0000000001""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"-0.01""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"-0""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":0.01"#, "invalid_type", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":1"#, "invalid_type", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"1e3""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":".5""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"5.""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"+1""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":" 1""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"1.2.3""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"""#, "invalid_value", "provider_cost_usd"),
        Rejection(#","provider_cost_usd":"9223372036.854775808""#, "invalid_value", "provider_cost_usd"),
        // Limits of section 2 for the new token counts; web searches up to 1,000,000.
        Rejection(#","reasoning_tokens":100000001"#, "invalid_value", "reasoning_tokens"),
        Rejection(#","cache_write_1h_tokens":-1"#, "invalid_value", "cache_write_1h_tokens"),
        Rejection(#","input_image_tokens":"5""#, "invalid_type", "input_image_tokens"),
        Rejection(#","output_audio_tokens":1.5"#, "invalid_type", "output_audio_tokens"),
        Rejection(#","web_search_requests":1000001"#, "invalid_value", "web_search_requests"),
        Rejection(#","web_search_requests":-1"#, "invalid_value", "web_search_requests"),
        Rejection(#","web_search_requests":true"#, "invalid_type", "web_search_requests"),
    ]

    @Test("each rule of section 11.1 rejects with its code, naming the field", arguments: rejections)
    func rejected(_ expected: Rejection) {
        let found = rejection(expected.extra)
        #expect(found?.code == expected.code, "\(String(describing: found))")
        #expect(found?.message.contains(expected.names) == true, "\(String(describing: found))")
    }

    @Test("the boundaries are accepted: parts equal to their totals, the largest counts and cost")
    func boundaries() throws {
        for extra in [
            #","cached_tokens":600,"cache_write_tokens":300,"cache_write_1h_tokens":100"#,
            #","cached_tokens":500,"input_audio_tokens":300,"input_image_tokens":200"#,
            #","output_audio_tokens":150,"output_image_tokens":50,"reasoning_tokens":200"#,
            #","web_search_requests":1000000"#, #","batch":true,"service_tier":"batch""#,
        ] {
            #expect(rejection(extra) == nil, "\(extra)")
        }
        let big = try decode(
            #","reasoning_tokens":100000000,"provider_cost_usd":"9223372036.854775807""#,
            base: Self.llm.replacingOccurrences(of: #""output_tokens":200"#, with: #""output_tokens":100000000"#))
        guard case .llm(let call) = big.usage else { return }
        #expect(call.tokens.reasoningTokens == 100_000_000 && call.providerCost == Money(nanos: .max))
        for (text, nanos) in [("0", Int64(0)), ("0.000000001", 1), ("12", 12_000_000_000), ("007.50", 7_500_000_000)] {
            guard case .llm(let call) = try decode(#","provider_cost_usd":""# + text + "\"").usage else { continue }
            #expect(call.providerCost == Money(nanos: nanos), "\(text)")
        }
    }

    @Test("on an API call the LLM fields are ignored, as those of section 2 are")
    func apiIgnoresThem() throws {
        let plain = try decode("", base: Self.api)
        let extra = #","service_tier":"turbo","reasoning_tokens":-5,"provider_cost_usd":1,"web_search_requests":"x""#
        #expect(try decode(extra, base: Self.api) == plain)
    }

    func canonical(_ extra: String) throws -> String {
        String(decoding: try decode(extra).canonicalBytes, as: UTF8.self)
    }

    static let section2Bytes =
        #"{"id":"e1","kind":"llm","timestamp":"2026-11-24T08:15:00.000Z","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","conversation_id":null,"provider":"anthropic","model":"claude-haiku-4","input_tokens":1000,"output_tokens":200,"cached_tokens":0,"cache_write_tokens":0,"batch":false,"prompt_fingerprint":null,"status":"success""#

    @Test("canonical bytes: the new fields follow status in a fixed order, only when not their defaults")
    func canonicalBytes() throws {
        #expect(
            try canonical(
                #","provider_cost_usd":"0.0123","service_tier":"priority","web_search_requests":2,"reasoning_tokens":50,"#
                    + #""output_image_tokens":10,"output_audio_tokens":20,"input_image_tokens":30,"input_audio_tokens":40,"#
                    + #""cache_write_1h_tokens":60"#)
                == Self.section2Bytes
                + #","cache_write_1h_tokens":60,"input_audio_tokens":40,"input_image_tokens":30,"output_audio_tokens":20,"#
                + #""output_image_tokens":10,"reasoning_tokens":50,"web_search_requests":2,"service_tier":"priority","#
                + #""provider_cost_usd":"0.012300000"}"#)
        // Defaults spelled out are the same content as absent ones: the bytes of section 2.
        for extra in [
            "", #","service_tier":"standard""#, #","reasoning_tokens":0,"web_search_requests":0,"cache_write_1h_tokens":0"#,
            #","input_audio_tokens":0,"input_image_tokens":0,"output_audio_tokens":0,"output_image_tokens":0"#,
        ] {
            #expect(try canonical(extra) == Self.section2Bytes + "}", "\(extra)")
        }
        #expect(try canonical(#","batch":true,"service_tier":"batch""#) == (try canonical(#","batch":true"#)))
        #expect(try canonical(#","provider_cost_usd":"0.0123""#) == (try canonical(#","provider_cost_usd":"0.012300000""#)))
        #expect(try canonical(#","provider_cost_usd":"0""#) == Self.section2Bytes + #","provider_cost_usd":"0.000000000"}"#)
        #expect(try canonical(#","batch":false,"service_tier":"batch""#) == Self.section2Bytes + #","service_tier":"batch"}"#)
    }

    /// One change of each new field from the base event's defaults.
    static let changes = [
        #","cache_write_1h_tokens":1"#, #","input_audio_tokens":1"#, #","input_image_tokens":1"#, #","output_audio_tokens":1"#,
        #","output_image_tokens":1"#, #","reasoning_tokens":1"#, #","web_search_requests":1"#, #","service_tier":"flex""#,
        #","service_tier":"priority""#, #","service_tier":"fast""#, #","service_tier":"batch""#, #","provider_cost_usd":"0""#,
        #","provider_cost_usd":"0.000000001""#, #","reasoning_tokens":2"#,
    ]

    @Test("events differ in canonical bytes exactly when a new field differs")
    func canonicalInjective() throws {
        let bytes = try ([""] + Self.changes).map { try canonical($0) }
        #expect(Set(bytes).count == bytes.count)
    }
}
