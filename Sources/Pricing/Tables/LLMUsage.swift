/// The token counts of one LLM request, as the pricing rule sees them (contract sections 2 and 11.1).
public struct LLMUsage: Sendable, Hashable {
    /// All prompt tokens, cached, cache-written, audio and image ones included.
    public var inputTokens: Int64
    /// All completion tokens, audio, image and reasoning ones included.
    public var outputTokens: Int64
    /// Prompt tokens read from the cache.
    public var cachedTokens: Int64
    /// Prompt tokens written to the cache with the default (five-minute) lifetime.
    public var cacheWriteTokens: Int64
    /// Prompt tokens written to the cache with a one-hour lifetime.
    public var cacheWrite1hTokens: Int64
    /// Prompt tokens that are audio or image and were not read from the cache.
    public var inputAudioTokens: Int64
    public var inputImageTokens: Int64
    /// Completion tokens that are audio or image.
    public var outputAudioTokens: Int64
    public var outputImageTokens: Int64
    /// Completion tokens spent on reasoning: priced as output, reported on their own.
    public var reasoningTokens: Int64
    /// Server-side web searches the request made.
    public var webSearchRequests: Int64
    public var batch: Bool
    /// The tier the provider served; `batch` when ``batch`` is set and no tier was given.
    public var serviceTier: ServiceTier

    public init(
        inputTokens: Int64, outputTokens: Int64, cachedTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, batch: Bool = false,
        cacheWrite1hTokens: Int64 = 0, inputAudioTokens: Int64 = 0, inputImageTokens: Int64 = 0, outputAudioTokens: Int64 = 0,
        outputImageTokens: Int64 = 0, reasoningTokens: Int64 = 0, webSearchRequests: Int64 = 0, serviceTier: ServiceTier? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.batch = batch
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.inputAudioTokens = inputAudioTokens
        self.inputImageTokens = inputImageTokens
        self.outputAudioTokens = outputAudioTokens
        self.outputImageTokens = outputImageTokens
        self.reasoningTokens = reasoningTokens
        self.webSearchRequests = webSearchRequests
        self.serviceTier = serviceTier ?? (batch ? .batch : .standard)
    }

    /// Prompt tokens priced at the text input price: neither cache reads nor writes, audio nor image.
    public var uncachedInputTokens: Int64 {
        inputTokens - cachedTokens - cacheWriteTokens - cacheWrite1hTokens - inputAudioTokens - inputImageTokens
    }

    /// Completion tokens priced at the text output price.
    public var textOutputTokens: Int64 { outputTokens - outputAudioTokens - outputImageTokens }

    /// Whether the request uses nothing of section 11.1: such an event keeps the canonical bytes
    /// (and hash) it had before section 11.
    public var usesOnlySection2: Bool {
        cacheWrite1hTokens == 0 && inputAudioTokens == 0 && inputImageTokens == 0 && outputAudioTokens == 0
            && outputImageTokens == 0 && reasoningTokens == 0 && webSearchRequests == 0
            && serviceTier == (batch ? .batch : .standard)
    }
}

/// The service tier a provider served a request in (contract section 11.1).
public enum ServiceTier: String, Sendable, Hashable, CaseIterable {
    case standard
    case batch
    case flex
    case priority
    /// A premium speed mode (OpenAI's `fast` tier, Anthropic's fast mode).
    case fast
}

/// A priced part of an LLM request.
public enum LLMComponent: String, Sendable, CaseIterable {
    case input
    case cachedInput = "cached_input"
    case cacheWrite = "cache_write"
    case cacheWrite1h = "cache_write_1h"
    case inputAudio = "input_audio"
    case inputImage = "input_image"
    case output
    case outputAudio = "output_audio"
    case outputImage = "output_image"
    case webSearch = "web_search"
    case request
}
