extension LLMUsage {
    /// A part of a request's tokens that exceeds the total it is a part of (contract 11.1).
    public enum PartsExcess: Sendable, Hashable {
        /// Cache reads and writes above the input: `cached_exceeds_input`.
        case cacheExceedsInput
        /// Cache reads, writes, audio and image input above the input: `parts_exceed_total`.
        case inputParts
        /// Audio and image output above the output: `parts_exceed_total`.
        case outputParts
        /// Reasoning above the output: `parts_exceed_total`.
        case reasoning
    }

    /// The first part that exceeds its total, in the contract's order; nil when the counts fit.
    public var partsExcess: PartsExcess? {
        let cacheParts = cachedTokens + cacheWriteTokens + cacheWrite1hTokens
        if cacheParts > inputTokens { return .cacheExceedsInput }
        if cacheParts + inputAudioTokens + inputImageTokens > inputTokens { return .inputParts }
        if outputAudioTokens + outputImageTokens > outputTokens { return .outputParts }
        if reasoningTokens > outputTokens { return .reasoning }
        return nil
    }
}
