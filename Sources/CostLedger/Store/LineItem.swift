import Pricing

/// A stored event as the finance export lists it, read in place: the text fields point into the
/// store's current row, so no `String` is built per field. They are valid only while the callback
/// that receives the line item runs.
public struct LineItem {
    public var sequence: Int64
    public var timestamp: Timestamp
    public var eventID: UnsafeBufferPointer<UInt8>
    public var tenantID: UnsafeBufferPointer<UInt8>
    public var kind: EventKind
    public var worker: UnsafeBufferPointer<UInt8>
    public var operation: UnsafeBufferPointer<UInt8>
    /// Empty when the event has none.
    public var conversationID: UnsafeBufferPointer<UInt8>
    /// Empty for API calls.
    public var provider: UnsafeBufferPointer<UInt8>
    /// Empty for API calls.
    public var model: UnsafeBufferPointer<UInt8>
    /// Empty for LLM requests.
    public var service: UnsafeBufferPointer<UInt8>
    public var status: CallStatus
    /// Input, output, cached and cache-write tokens, in that order (LLM requests only).
    public var tokens: (input: Int64, output: Int64, cached: Int64, cacheWrite: Int64)
    /// Sent through a batch API (LLM requests only).
    public var batch: Bool
    /// Billable units (API calls only).
    public var units: Int64
    public var cost: Money
    public var estimated: Bool
    /// The section 11.1 counts (LLM requests only; 0 for API calls and for events stored before them).
    public var moreTokens:
        (cacheWrite1h: Int64, inputAudio: Int64, inputImage: Int64, outputAudio: Int64, outputImage: Int64, reasoning: Int64)
    /// Server-side web searches (LLM requests only).
    public var webSearchRequests: Int64
    /// The tier the provider served (nil for API calls; the one `batch` implies for an LLM request
    /// stored before section 11).
    public var serviceTier: ServiceTier?
    /// The cost the provider reported for an LLM request, when it did.
    public var providerCost: Money?
    /// The price row used, as ``EventPricing/priceReference`` has it; empty when none applied.
    public var priceReference: UnsafeBufferPointer<UInt8>
}
