import Pricing

/// A stored event as the finance export lists it: numbers as they are, and the text fields as
/// UTF-8 bytes kept one after another in one buffer, so no `String` is built per field.
///
/// A store that streams line items refills one value row after row (``clear()`` and the
/// `append…` methods), which reuses the buffer: a value kept past its callback is copied on write,
/// as any value.
public struct LineItem: Sendable {
    public var sequence: Int64 = 0
    public var timestamp = Timestamp(millis: 0)
    public var kind: EventKind = .llm
    public var status: CallStatus = .success
    /// Input, output, cached and cache-write tokens, in that order (LLM requests only).
    public var tokens: (input: Int64, output: Int64, cached: Int64, cacheWrite: Int64) = (0, 0, 0, 0)
    /// Sent through a batch API (LLM requests only).
    public var batch = false
    /// Billable units (API calls only).
    public var units: Int64 = 0
    public var cost = Money.zero
    public var estimated = false
    /// The section 11.1 counts (LLM requests only; 0 for API calls and for events stored before them).
    public var moreTokens:
        (cacheWrite1h: Int64, inputAudio: Int64, inputImage: Int64, outputAudio: Int64, outputImage: Int64, reasoning: Int64) =
            (0, 0, 0, 0, 0, 0)
    /// Server-side web searches (LLM requests only).
    public var webSearchRequests: Int64 = 0
    /// The tier the provider served (nil for API calls; the one `batch` implies for an LLM request
    /// stored before section 11).
    public var serviceTier: ServiceTier?
    /// The cost the provider reported for an LLM request, when it did.
    public var providerCost: Money?

    /// The text fields, in the order of ``TextField``.
    private var text: [UInt8] = []
    /// Where each text field ends in `text`.
    private var ends: [Int] = []

    /// The text fields, in the order a store appends them.
    public enum TextField: Int, CaseIterable, Sendable {
        case eventID, tenantID, worker, operation
        /// Empty when the event has none.
        case conversationID
        /// Empty for API calls.
        case provider
        /// Empty for API calls.
        case model
        /// Empty for LLM requests.
        case service
        /// The price row used, as ``EventPricing/priceReference`` has it; empty when none applied.
        case priceReference
    }

    public init() {
        text.reserveCapacity(256)
        ends.reserveCapacity(TextField.allCases.count)
    }

    /// The bytes of one text field (empty until it is appended).
    public subscript(_ field: TextField) -> ArraySlice<UInt8> {
        let index = field.rawValue
        guard index < ends.count else { return [] }
        return text[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    public var eventID: ArraySlice<UInt8> { self[.eventID] }
    public var tenantID: ArraySlice<UInt8> { self[.tenantID] }
    public var worker: ArraySlice<UInt8> { self[.worker] }
    public var operation: ArraySlice<UInt8> { self[.operation] }
    public var conversationID: ArraySlice<UInt8> { self[.conversationID] }
    public var provider: ArraySlice<UInt8> { self[.provider] }
    public var model: ArraySlice<UInt8> { self[.model] }
    public var service: ArraySlice<UInt8> { self[.service] }
    public var priceReference: ArraySlice<UInt8> { self[.priceReference] }

    /// Empties the text fields, keeping the buffer, before the next row's are appended.
    public mutating func clearText() {
        text.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Appends the next text field (in ``TextField`` order), copying the bytes.
    public mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) {
        text.append(contentsOf: bytes)
        ends.append(text.count)
    }
}
