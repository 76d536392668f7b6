import Pricing

/// The shapes of a provider's `usage` object that an `llm` event may carry instead of token
/// fields (contract 12.1).
public enum UsageFormat: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions' `usage` (`prompt_tokens`, `completion_tokens`, their details).
    case openaiChat = "openai_chat"
    /// OpenAI Responses' `usage` (`input_tokens`, `output_tokens`, their details).
    case openaiResponses = "openai_responses"
    /// Anthropic Messages' `usage`, whose `input_tokens` leaves the cache out.
    case anthropic
    /// Gemini's `usageMetadata`.
    case gemini

    /// The format the contract's inference order gives `usage` on an event of `provider`: the
    /// first marker present (and not null) decides.
    public static func inferred(from usage: JSONValue, provider: String) -> UsageFormat? {
        if usage["promptTokenCount"] != nil { return .gemini }
        if usage["prompt_tokens"] != nil { return .openaiChat }
        if usage["input_tokens_details"] != nil || usage["output_tokens_details"] != nil { return .openaiResponses }
        if usage["cache_creation_input_tokens"] != nil || usage["cache_read_input_tokens"] != nil || provider == "anthropic" {
            return .anthropic
        }
        return nil
    }

    /// The keys of which an object of this format has at least one.
    var markers: [String] {
        switch self {
        case .openaiChat: ["prompt_tokens", "completion_tokens"]
        case .openaiResponses: ["input_tokens", "output_tokens"]
        case .anthropic: ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
        case .gemini: ["promptTokenCount", "candidatesTokenCount", "totalTokenCount"]
        }
    }
}

/// A provider's usage object normalised to the event's token counts (the mapping table of 12.1).
public struct ProviderUsage: Sendable, Hashable {
    /// The counts, in the event's token fields; its tier is left to the event (``serviceTier``).
    public var tokens = LLMUsage(inputTokens: 0, outputTokens: 0)
    /// The tier the object itself reports (Anthropic's `speed` and `service_tier`, Gemini's `trafficType`).
    public var serviceTier: ServiceTier?

    /// Normalises `usage` of `format`.
    /// - Throws: ``EventError`` `invalid_value` naming the field (`usage.prompt_tokens_details.cached_tokens`)
    ///   for a count that is not an integer 0–100,000,000, a sum above that, or an object of none of the format's keys.
    public init(_ usage: JSONValue, format: UsageFormat) throws(EventError) {
        guard let members = usage.members else { throw EventError(.invalidType, "usage must be a JSON object") }
        guard format.markers.contains(where: { members[$0] != nil && members[$0] != .null }) else {
            throw EventError(
                .invalidValue, "usage has none of the \(format.rawValue) counts (\(format.markers.joined(separator: ", ")))")
        }
        let counts = UsageCounts(usage)
        switch format {
        case .openaiChat:
            tokens.inputTokens = try counts["prompt_tokens"]
            tokens.cachedTokens = try counts["prompt_tokens_details", "cached_tokens"]
            tokens.cacheWriteTokens = try counts["prompt_tokens_details", "cache_write_tokens"]
            tokens.inputAudioTokens = try counts["prompt_tokens_details", "audio_tokens"]
            tokens.inputImageTokens = try counts["prompt_tokens_details", "image_tokens"]
            tokens.outputTokens = try counts["completion_tokens"]
            tokens.reasoningTokens = try counts["completion_tokens_details", "reasoning_tokens"]
            tokens.outputAudioTokens = try counts["completion_tokens_details", "audio_tokens"]
        case .openaiResponses:
            tokens.inputTokens = try counts["input_tokens"]
            tokens.cachedTokens = try counts["input_tokens_details", "cached_tokens"]
            tokens.cacheWriteTokens = try counts["input_tokens_details", "cache_write_tokens"]
            tokens.outputTokens = try counts["output_tokens"]
            tokens.reasoningTokens = try counts["output_tokens_details", "reasoning_tokens"]
        case .anthropic:
            // Anthropic's input_tokens are only the tokens after the last cache breakpoint.
            tokens.cachedTokens = try counts["cache_read_input_tokens"]
            let written = try counts["cache_creation_input_tokens"]
            tokens.inputTokens = try counts.sum(
                try counts["input_tokens"], tokens.cachedTokens, written, naming: "input_tokens + cache_read_input_tokens + cache_creation_input_tokens")
            if usage["cache_creation"] != nil {
                tokens.cacheWriteTokens = try counts["cache_creation", "ephemeral_5m_input_tokens"]
                tokens.cacheWrite1hTokens = try counts["cache_creation", "ephemeral_1h_input_tokens"]
            } else {
                tokens.cacheWriteTokens = written
            }
            tokens.outputTokens = try counts["output_tokens"]
            tokens.reasoningTokens = try counts["output_tokens_details", "thinking_tokens"]
            tokens.webSearchRequests = try counts["server_tool_use", "web_search_requests", limit: EventDecoder.maxWebSearches]
            serviceTier = try Self.anthropicTier(usage)
        case .gemini:
            tokens.inputTokens = try counts.sum(
                try counts["promptTokenCount"], try counts["toolUsePromptTokenCount"], naming: "promptTokenCount + toolUsePromptTokenCount")
            tokens.cachedTokens = try counts["cachedContentTokenCount"]
            tokens.reasoningTokens = try counts["thoughtsTokenCount"]
            tokens.outputTokens = try counts.sum(
                try counts["candidatesTokenCount"], tokens.reasoningTokens, naming: "candidatesTokenCount + thoughtsTokenCount")
            // Audio and image prompt tokens not read from the cache: the prompt's less the cache's.
            for (modality, keyPath) in [("AUDIO", \LLMUsage.inputAudioTokens), ("IMAGE", \.inputImageTokens)] {
                let prompt = try counts.modality(modality, of: "promptTokensDetails")
                let cached = try counts.modality(modality, of: "cacheTokensDetails")
                guard cached <= prompt else {
                    throw EventError(
                        .invalidValue, "usage.cacheTokensDetails counts more \(modality) tokens (\(cached)) than usage.promptTokensDetails (\(prompt))")
                }
                tokens[keyPath: keyPath] = prompt - cached
            }
            tokens.outputAudioTokens = try counts.modality("AUDIO", of: "candidatesTokensDetails")
            tokens.outputImageTokens = try counts.modality("IMAGE", of: "candidatesTokensDetails")
            switch usage["trafficType"]?.text {
            case "ON_DEMAND_FLEX": serviceTier = .flex
            case "ON_DEMAND_PRIORITY": serviceTier = .priority
            case nil: serviceTier = nil
            default: serviceTier = .standard
            }
        }
    }

    /// `fast` when `speed` is `fast`, else `service_tier` (`standard`, `priority`, `batch`).
    private static func anthropicTier(_ usage: JSONValue) throws(EventError) -> ServiceTier? {
        if usage["speed"]?.text == "fast" { return .fast }
        guard let value = usage["service_tier"] else { return nil }
        guard let text = value.text, let tier = ServiceTier(rawValue: text), tier != .flex else {
            throw EventError(.invalidValue, "usage.service_tier must be \"standard\", \"priority\" or \"batch\"")
        }
        return tier
    }
}

/// Reads counts out of a usage object: a missing or null count (or parent object) is 0.
private struct UsageCounts {
    let usage: JSONValue

    init(_ usage: JSONValue) {
        self.usage = usage
    }

    /// The count at `path`, at most `limit`.
    subscript(_ path: String..., limit limit: Int64 = EventDecoder.maxTokens) -> Int64 {
        get throws(EventError) {
            var value = usage
            for (depth, key) in path.enumerated() {
                guard case .object = value else {
                    throw EventError(.invalidValue, "usage.\(path[..<depth].joined(separator: ".")) must be an object")
                }
                guard let member = value[key] else { return 0 }
                value = member
            }
            return try Self.count(value, limit: limit, name: path.joined(separator: "."))
        }
    }

    static func count(_ value: JSONValue, limit: Int64, name: String) throws(EventError) -> Int64 {
        guard case .integer(let count) = value, (0...limit).contains(count) else {
            throw EventError(.invalidValue, "usage.\(name) must be an integer from 0 to \(limit)")
        }
        return count
    }

    /// `a + b (+ c)`, which must stay a valid token count.
    func sum(_ parts: Int64..., naming name: String) throws(EventError) -> Int64 {
        let total = parts.reduce(0, +)
        guard total <= EventDecoder.maxTokens else {
            throw EventError(.invalidValue, "usage: \(name) is \(total), above \(EventDecoder.maxTokens)")
        }
        return total
    }

    /// The tokens of `modality` in Gemini's list `key` (`[{"modality": "AUDIO", "tokenCount": 12}]`).
    func modality(_ modality: String, of key: String) throws(EventError) -> Int64 {
        guard let list = usage[key] else { return 0 }
        guard let entries = list.elements else { throw EventError(.invalidValue, "usage.\(key) must be an array") }
        var total: Int64 = 0
        for (index, entry) in entries.enumerated() where entry["modality"]?.text == modality {
            if let value = entry["tokenCount"] {
                total += try Self.count(value, limit: EventDecoder.maxTokens, name: "\(key)[\(index)].tokenCount")
            }
        }
        return try sum(total, naming: "the \(modality) tokens of usage.\(key)")
    }
}
