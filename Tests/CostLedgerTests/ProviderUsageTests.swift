import CostLedger
import Pricing
import Testing

/// Contract 12.1: an event carrying the provider's own `usage` object is stored as the counts
/// of the mapping table. Every value below is worked out by hand from the table.
@Suite("Provider usage objects (12.1)")
struct ProviderUsageTests {
    let decoder = EventDecoder(now: Timestamp(rfc3339: "2026-11-25T00:00:00Z")!)

    func event(provider: String = "openai", _ extra: String) -> String {
        #"{"id":"u1","kind":"llm","timestamp":"2026-11-20T10:00:00Z","tenant_id":"acme","worker":"w","operation":"chat","provider":"\#(provider)","model":"m"\#(extra)}"#
    }

    func tokens(provider: String = "openai", _ extra: String) throws -> LLMUsage {
        guard case .llm(let call) = try decoder.decode(event(provider: provider, extra)).usage else {
            Issue.record("not an llm event")
            return LLMUsage(inputTokens: 0, outputTokens: 0)
        }
        return call.tokens
    }

    func rejection(provider: String = "openai", _ extra: String) -> EventError? {
        do {
            _ = try decoder.decode(event(provider: provider, extra))
            return nil
        } catch {
            return error
        }
    }

    @Test("openai_chat: prompt and completion tokens with their details")
    func openaiChat() throws {
        let usage = try tokens(
            #","usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":400,"audio_tokens":100,"image_tokens":50,"cache_write_tokens":20},"completion_tokens_details":{"reasoning_tokens":120,"audio_tokens":30,"accepted_prediction_tokens":0}}"#)
        #expect(
            usage
                == LLMUsage(
                    inputTokens: 1200, outputTokens: 300, cachedTokens: 400, cacheWriteTokens: 20, inputAudioTokens: 100,
                    inputImageTokens: 50, outputAudioTokens: 30, reasoningTokens: 120))
    }

    @Test("openai_responses: input and output tokens with their details")
    func openaiResponses() throws {
        let usage = try tokens(
            #","usage":{"input_tokens":5000,"input_tokens_details":{"cached_tokens":4096},"output_tokens":800,"output_tokens_details":{"reasoning_tokens":512},"total_tokens":5800}"#)
        #expect(usage == LLMUsage(inputTokens: 5000, outputTokens: 800, cachedTokens: 4096, reasoningTokens: 512))
    }

    @Test("anthropic: input is input + cache reads + cache writes; the 5-minute and 1-hour split; thinking; web searches")
    func anthropic() throws {
        let usage = try tokens(
            provider: "anthropic",
            #","usage":{"input_tokens":100,"cache_read_input_tokens":2000,"cache_creation_input_tokens":500,"cache_creation":{"ephemeral_5m_input_tokens":200,"ephemeral_1h_input_tokens":300},"output_tokens":400,"server_tool_use":{"web_search_requests":3},"service_tier":"priority"}"#)
        // 100 + 2000 + 500 = 2600 input tokens.
        #expect(
            usage
                == LLMUsage(
                    inputTokens: 2600, outputTokens: 400, cachedTokens: 2000, cacheWriteTokens: 200, cacheWrite1hTokens: 300,
                    webSearchRequests: 3, serviceTier: .priority))
        // Without cache_creation, every written token is a 5-minute write; thinking needs usage_format
        // (output_tokens_details alone infers openai_responses, the contract's order).
        let plain = try tokens(
            provider: "anthropic",
            #","usage_format":"anthropic","usage":{"input_tokens":10,"cache_creation_input_tokens":40,"cache_read_input_tokens":null,"cache_creation":null,"output_tokens":90,"output_tokens_details":{"thinking_tokens":60},"server_tool_use":null,"service_tier":"standard"}"#)
        #expect(plain == LLMUsage(inputTokens: 50, outputTokens: 90, cacheWriteTokens: 40, reasoningTokens: 60, serviceTier: .standard))
    }

    @Test("anthropic tiers: speed fast is fast, else service_tier; batch; an unknown one is refused")
    func anthropicTiers() throws {
        let base = #""input_tokens":10,"output_tokens":5"#
        #expect(try tokens(provider: "anthropic", #","usage":{\#(base),"speed":"fast","service_tier":"standard"}"#).serviceTier == .fast)
        #expect(try tokens(provider: "anthropic", #","usage":{\#(base),"speed":"standard","service_tier":"batch"}"#).serviceTier == .batch)
        #expect(try tokens(provider: "anthropic", #","usage":{\#(base)}"#).serviceTier == .standard)
        let unknown = rejection(provider: "anthropic", #","usage":{\#(base),"service_tier":"gold"}"#)
        #expect(unknown?.code == .invalidValue)
        #expect(unknown?.message.contains("usage.service_tier") == true)
    }

    @Test("gemini: tool-use prompt, thoughts, modality details less the cached ones, trafficType")
    func gemini() throws {
        let usage = try tokens(
            provider: "google",
            #","usage":{"promptTokenCount":1000,"toolUsePromptTokenCount":50,"cachedContentTokenCount":300,"candidatesTokenCount":200,"thoughtsTokenCount":120,"totalTokenCount":1370,"promptTokensDetails":[{"modality":"TEXT","tokenCount":500},{"modality":"AUDIO","tokenCount":300},{"modality":"IMAGE","tokenCount":200}],"cacheTokensDetails":[{"modality":"AUDIO","tokenCount":100},{"modality":"TEXT","tokenCount":200}],"candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":40},{"modality":"IMAGE","tokenCount":10}],"trafficType":"ON_DEMAND_PRIORITY"}"#)
        // Input 1000 + 50; output 200 + 120; audio 300 - 100, image 200 - 0.
        #expect(
            usage
                == LLMUsage(
                    inputTokens: 1050, outputTokens: 320, cachedTokens: 300, inputAudioTokens: 200, inputImageTokens: 200,
                    outputAudioTokens: 40, outputImageTokens: 10, reasoningTokens: 120, serviceTier: .priority))
        #expect(try tokens(provider: "google", #","usage":{"promptTokenCount":1,"trafficType":"ON_DEMAND_FLEX"}"#).serviceTier == .flex)
        #expect(try tokens(provider: "google", #","usage":{"promptTokenCount":1,"trafficType":"PROVISIONED_THROUGHPUT"}"#).serviceTier == .standard)
        let more = rejection(
            provider: "google",
            #","usage":{"promptTokenCount":10,"promptTokensDetails":[{"modality":"AUDIO","tokenCount":3}],"cacheTokensDetails":[{"modality":"AUDIO","tokenCount":4}]}"#)
        #expect(more?.code == .invalidValue)
    }

    @Test(
        "the format is inferred in the contract's order",
        arguments: [
            // promptTokenCount first, even beside prompt_tokens.
            (#"{"promptTokenCount":7,"prompt_tokens":99}"#, "openai", 7),
            (#"{"prompt_tokens":8,"input_tokens_details":{"cached_tokens":0}}"#, "openai", 8),
            (#"{"input_tokens":9,"output_tokens_details":{"reasoning_tokens":0}}"#, "anthropic", 9),
            (#"{"input_tokens":9,"input_tokens_details":null,"cache_read_input_tokens":1}"#, "openai", 10),
            (#"{"input_tokens":9,"cache_creation_input_tokens":2}"#, "bedrock", 11),
            (#"{"input_tokens":9,"output_tokens":1}"#, "anthropic", 9),
        ])
    func inference(usage: String, provider: String, input: Int64) throws {
        #expect(try tokens(provider: provider, #","usage":"# + usage).inputTokens == input)
    }

    @Test("usage_format overrides the inference")
    func explicitFormat() throws {
        // As anthropic, input_tokens excludes the cache; as openai_responses it is the total.
        let usage = #""usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":40},"cache_read_input_tokens":40}"#
        #expect(try tokens(provider: "anthropic", "," + usage).inputTokens == 100)
        #expect(try tokens(provider: "anthropic", #","usage_format":"anthropic","# + usage).inputTokens == 140)
    }

    @Test("the event's service_tier comes first, with OpenAI's spellings")
    func eventTier() throws {
        let usage = #","usage":{"prompt_tokens":10,"completion_tokens":1}"#
        for (spelling, tier) in [("default", ServiceTier.standard), ("auto", .standard), ("scale", .standard), ("flex", .flex), ("priority", .priority)] {
            #expect(try tokens(#","service_tier":"\#(spelling)""# + usage).serviceTier == tier)
        }
        #expect(try tokens(provider: "anthropic", #","service_tier":"flex","usage":{"input_tokens":1,"output_tokens":1,"speed":"fast"}"#).serviceTier == .flex)
        #expect(try tokens(#","batch":true"# + usage) == LLMUsage(inputTokens: 10, outputTokens: 1, batch: true))
        // OpenAI's spellings are for events with a usage object only.
        #expect(rejection(#","service_tier":"default","input_tokens":1,"output_tokens":1"#)?.code == .invalidValue)
    }

    @Test(
        "refusals name the field",
        arguments: [
            (#","input_tokens":5,"usage":{"prompt_tokens":1}"#, "input_tokens"),
            (#","usage":{"prompt_tokens":1},"reasoning_tokens":0"#, "reasoning_tokens"),
            (#","usage":{"foo":1}"#, "usage_format"),
            (#","usage":{"prompt_tokens":-1}"#, "usage.prompt_tokens"),
            (#","usage":{"prompt_tokens":100000001}"#, "usage.prompt_tokens"),
            (#","usage":{"prompt_tokens":"12"}"#, "usage.prompt_tokens"),
            (#","usage":{"prompt_tokens":1.5}"#, "usage.prompt_tokens"),
            (#","usage":{"prompt_tokens":1,"prompt_tokens_details":{"cached_tokens":99999999999999999999}}"#, "usage.prompt_tokens_details.cached_tokens"),
            (#","usage":{"prompt_tokens":1,"prompt_tokens_details":5}"#, "usage.prompt_tokens_details"),
            (#","usage_format":"openai_chat","usage":{"input_tokens":1}"#, "prompt_tokens"),
            (#","usage_format":"cohere","usage":{"prompt_tokens":1}"#, "usage_format"),
            (#","usage_format":"gemini","input_tokens":1,"output_tokens":1"#, "usage_format"),
            (#","usage":{"promptTokenCount":60000000,"toolUsePromptTokenCount":60000000}"#, "toolUsePromptTokenCount"),
            (#","usage":{"promptTokenCount":1,"promptTokensDetails":[{"modality":"AUDIO","tokenCount":-2}]}"#, "promptTokensDetails[0].tokenCount"),
        ])
    func refusals(extra: String, named field: String) {
        let error = rejection(extra)
        #expect(error?.code == .invalidValue, "\(extra)")
        #expect(error?.message.contains(field) == true, "\(error?.message ?? "accepted")")
        #expect(error?.eventID == "u1")
    }

    @Test("usage null is no usage object: the token fields stand, and without them input_tokens is missing")
    func nullUsage() throws {
        #expect(try tokens(#","usage":null,"input_tokens":10,"output_tokens":2"#) == LLMUsage(inputTokens: 10, outputTokens: 2))
        #expect(rejection(#","usage":null"#)?.code == .missingField)
    }

    @Test("a usage that is no object is invalid_type; the parts rules still hold")
    func typesAndParts() {
        #expect(rejection(#","usage":[1,2]"#)?.code == .invalidType)
        #expect(rejection(#","usage":"1200 tokens""#)?.code == .invalidType)
        #expect(rejection(#","usage":{"prompt_tokens":10,"prompt_tokens_details":{"cached_tokens":11}}"#)?.code == .cachedExceedsInput)
        #expect(rejection(#","usage":{"prompt_tokens":10,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":6}}"#)?.code == .partsExceedTotal)
        #expect(rejection(#","usage":{"prompt_tokens":1,"prompt_tokens":2}"#)?.code == .invalidValue)
    }

    @Test("the stored event is the counts: the same canonical bytes as the event with the counts spelled out")
    func canonical() throws {
        let fromUsage = try decoder.decode(
            event(provider: "anthropic", #","usage":{"input_tokens":100,"cache_read_input_tokens":2000,"cache_creation_input_tokens":500,"output_tokens":40}"#))
        let spelled = try decoder.decode(
            event(provider: "anthropic", #","input_tokens":2600,"cached_tokens":2000,"cache_write_tokens":500,"output_tokens":40"#))
        #expect(fromUsage == spelled)
        #expect(fromUsage.canonicalBytes == spelled.canonicalBytes)
    }
}
