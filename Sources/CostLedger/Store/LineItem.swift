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
    /// A late event's billing month (section 14.1); nil for every other event and for adjustments.
    public var lateBillingMonth: CivilMonth?
    /// For an adjustment (section 14.2), the sequence number of the event it corrects; its other
    /// fields are that event's, but `cost` is the difference, `priceReference` the new price row,
    /// and ``reason`` is set. nil for an event.
    public var adjustsSequence: Int64?
    /// An adjustment's billing month (for an event, see ``billingMonth``).
    public var adjustmentBillingMonth: CivilMonth?

    /// The month the line item is billed in.
    public var billingMonth: CivilMonth { adjustmentBillingMonth ?? lateBillingMonth ?? timestamp.utcMonth }

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
        /// An adjustment's reason; empty (and not appended) for an event.
        case reason
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
    public var reason: ArraySlice<UInt8> { self[.reason] }

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

    /// Appends the next text field (in ``TextField`` order); nil appends an empty one.
    public mutating func appendText(_ string: String?) {
        text.append(contentsOf: (string ?? "").utf8)
        ends.append(text.count)
    }
}

extension LineItem {
    /// The line item of `record`.
    public init(_ record: LedgerRecord) {
        self.init()
        let event = record.event
        sequence = record.sequence
        timestamp = event.timestamp
        cost = record.pricing.cost
        estimated = record.pricing.estimated
        lateBillingMonth = record.lateBillingMonth
        var provider: String?
        var model: String?
        var service: String?
        switch event.usage {
        case .llm(let call):
            kind = .llm
            status = call.status
            let counts = call.tokens
            tokens = (counts.inputTokens, counts.outputTokens, counts.cachedTokens, counts.cacheWriteTokens)
            batch = counts.batch
            moreTokens = (
                counts.cacheWrite1hTokens, counts.inputAudioTokens, counts.inputImageTokens, counts.outputAudioTokens,
                counts.outputImageTokens, counts.reasoningTokens
            )
            webSearchRequests = counts.webSearchRequests
            serviceTier = counts.serviceTier
            providerCost = call.providerCost
            (provider, model) = (call.provider, call.model)
        case .api(let call):
            kind = .api
            status = call.status
            units = call.units
            service = call.service
        }
        for text in [event.id, event.tenantID, event.worker, event.operation, event.conversationID, provider, model, service] {
            appendText(text)
        }
        appendText(record.pricing.priceReference)
    }

    /// The line item of `adjustment` of `event`: the event's fields with the adjustment's
    /// sequence number, cost difference, price row and reason.
    public init(_ adjustment: AdjustmentRecord, of event: LedgerRecord) {
        self.init(LedgerRecord(sequence: adjustment.sequence, event: event.event, pricing: adjustment.repriced, hash: adjustment.hash))
        cost = adjustment.costDelta
        adjustsSequence = adjustment.adjustsSequence
        adjustmentBillingMonth = adjustment.billingMonth
        appendText(adjustment.reason)
    }
}
