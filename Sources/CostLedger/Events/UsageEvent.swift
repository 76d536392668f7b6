import Pricing

/// One validated, normalised usage event: an LLM request or an external API call.
public struct UsageEvent: Sendable, Hashable {
    /// The producer's idempotency key.
    public var id: String
    /// When the usage happened, in UTC, truncated to the millisecond.
    public var timestamp: Timestamp
    public var tenantID: String
    public var worker: String
    public var operation: String
    public var conversationID: String?
    public var usage: Usage

    /// What was used.
    public enum Usage: Sendable, Hashable {
        case llm(LLMCall)
        case api(APICall)
    }

    public init(
        id: String, timestamp: Timestamp, tenantID: String, worker: String, operation: String,
        conversationID: String? = nil, usage: Usage
    ) {
        self.id = id
        self.timestamp = timestamp
        self.tenantID = tenantID
        self.worker = worker
        self.operation = operation
        self.conversationID = conversationID
        self.usage = usage
    }

    public var kind: EventKind {
        switch usage {
        case .llm: .llm
        case .api: .api
        }
    }
}

/// The two kinds of event.
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case llm
    case api
}

/// Whether a call succeeded.
public enum CallStatus: String, Sendable, Hashable {
    case success
    case error
}

/// An LLM request.
public struct LLMCall: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var tokens: LLMUsage
    public var promptFingerprint: String?
    public var status: CallStatus
    /// The cost the provider or a gateway reported (`provider_cost_usd`, section 11.1), exactly; nil when not given.
    public var providerCost: Money?

    public init(
        provider: String, model: String, tokens: LLMUsage, promptFingerprint: String? = nil, status: CallStatus = .success,
        providerCost: Money? = nil
    ) {
        self.provider = provider
        self.model = model
        self.tokens = tokens
        self.promptFingerprint = promptFingerprint
        self.status = status
        self.providerCost = providerCost
    }
}

/// A call of an external (non-LLM) API.
public struct APICall: Sendable, Hashable {
    public var service: String
    public var units: Int64
    public var status: CallStatus
    public var requestKey: String?

    public init(service: String, units: Int64 = 1, status: CallStatus, requestKey: String? = nil) {
        self.service = service
        self.units = units
        self.status = status
        self.requestKey = requestKey
    }
}
