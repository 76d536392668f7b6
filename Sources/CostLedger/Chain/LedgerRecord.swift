import Crypto
import Pricing

/// A stored event with what the ledger computed for it.
public struct LedgerRecord: Sendable, Hashable {
    /// The 1-based position in the ledger; the order events were accepted in.
    public var sequence: Int64
    public var event: UsageEvent
    public var pricing: EventPricing
    /// SHA-256 over the previous record's hash, the event's canonical bytes and its pricing.
    public var hash: ChainHash
    /// For a late event (its UTC month was closed when it was accepted, section 14.1), the month
    /// it is billed in; nil for every other event.
    public var lateBillingMonth: CivilMonth?

    public init(sequence: Int64, event: UsageEvent, pricing: EventPricing, hash: ChainHash, lateBillingMonth: CivilMonth? = nil) {
        self.sequence = sequence
        self.event = event
        self.pricing = pricing
        self.hash = hash
        self.lateBillingMonth = lateBillingMonth
    }

    /// Builds the record that follows `previous` in the chain.
    public init(
        sequence: Int64, event: UsageEvent, canonical: [UInt8], pricing: EventPricing, previous: ChainHash,
        lateBillingMonth: CivilMonth? = nil
    ) {
        self.sequence = sequence
        self.event = event
        self.pricing = pricing
        self.lateBillingMonth = lateBillingMonth
        self.hash = previous.next(sequence: sequence, canonicalEvent: canonical, pricing: pricing, lateBillingMonth: lateBillingMonth)
    }

    /// The month the event is billed in: its timestamp's UTC month, unless it is late.
    public var billingMonth: CivilMonth { lateBillingMonth ?? event.timestamp.utcMonth }
}

/// What pricing decided for one stored event.
public struct EventPricing: Sendable, Hashable {
    public var cost: Money
    /// The price row used (`provider/model@date`, `service/operation@date`); nil when none applied.
    public var priceReference: String?
    /// Priced by a fallback row (LLM) — the figure is an estimate.
    public var estimated: Bool
    /// An API call that fell inside its free quota.
    public var freeQuota: Bool

    public init(cost: Money, priceReference: String?, estimated: Bool, freeQuota: Bool) {
        self.cost = cost
        self.priceReference = priceReference
        self.estimated = estimated
        self.freeQuota = freeQuota
    }
}

/// A SHA-256 digest in the ledger's hash chain.
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    /// The hash that precedes the first record.
    public static let genesis = ChainHash(bytes: [UInt8](repeating: 0, count: 32))

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The hash of the event record that follows this one; a late event's billing month is
    /// chained too (other events' bytes are what they were before section 14).
    public func next(sequence: Int64, canonicalEvent: [UInt8], pricing: EventPricing, lateBillingMonth: CivilMonth? = nil) -> ChainHash {
        var hasher = SHA256()
        hasher.update(data: bytes)
        hasher.update(data: canonicalEvent)
        var trailer: [UInt8] = []
        trailer.reserveCapacity(128)
        trailer.append(contentsOf: "\nsequence=".utf8)
        appendDecimal(sequence, to: &trailer)
        trailer.append(contentsOf: ";cost_nanos=".utf8)
        appendDecimal(pricing.cost.nanos, to: &trailer)
        trailer.append(contentsOf: ";price=".utf8)
        trailer.append(contentsOf: (pricing.priceReference ?? "").utf8)
        trailer.append(contentsOf: pricing.estimated ? ";estimated=true".utf8 : ";estimated=false".utf8)
        trailer.append(contentsOf: pricing.freeQuota ? ";free_quota=true".utf8 : ";free_quota=false".utf8)
        if let lateBillingMonth { trailer.append(contentsOf: ";late_billing_month=\(lateBillingMonth)".utf8) }
        hasher.update(data: trailer)
        return ChainHash(bytes: Array(hasher.finalize()))
    }

    /// Lowercase hex.
    public var description: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Appends the decimal digits of `value` without going through `String`.
public func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    appendDigits(of: value.magnitude, minimumWidth: 1, to: &out)
}
