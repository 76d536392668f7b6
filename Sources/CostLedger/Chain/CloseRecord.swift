import Crypto
import Pricing

/// A UTC month closed by `costledger close` (contract section 14.1): a record of the chain like
/// an event, after which an event of that month (or of an earlier one) is late.
public struct CloseRecord: Sendable, Hashable {
    public var sequence: Int64
    public var month: CivilMonth
    /// When the close was recorded.
    public var recordedAt: Timestamp
    /// SHA-256 over the previous record's hash and this record's chain bytes.
    public var hash: ChainHash

    /// A record as stored.
    public init(sequence: Int64, month: CivilMonth, recordedAt: Timestamp, hash: ChainHash) {
        self.sequence = sequence
        self.month = month
        self.recordedAt = recordedAt
        self.hash = hash
    }

    /// The record that follows `previous` in the chain.
    public init(sequence: Int64, month: CivilMonth, recordedAt: Timestamp, previous: ChainHash) {
        self.init(sequence: sequence, month: month, recordedAt: recordedAt, hash: .genesis)
        hash = chainHash(after: previous)
    }

    /// The hash this record has when `previous` precedes it.
    public func chainHash(after previous: ChainHash) -> ChainHash {
        var bytes = Array("close\nsequence=".utf8)
        appendDecimal(sequence, to: &bytes)
        bytes.append(contentsOf: ";month=\(month);recorded_ms=".utf8)
        appendDecimal(recordedAt.millis, to: &bytes)
        return previous.next(recordBytes: bytes)
    }
}

/// A correction of one event's billed cost, appended by `costledger reprice` (contract section
/// 14.2): the difference between what the current price tables charge for the event and what
/// was billed for it so far (its stored cost plus its earlier adjustments).
public struct AdjustmentRecord: Sendable, Hashable {
    public var sequence: Int64
    /// The sequence number of the event it corrects.
    public var adjustsSequence: Int64
    /// The difference in nano-USD: negative for a credit.
    public var costDelta: Money
    /// How the current tables price the event (the price row, estimated, inside a free quota);
    /// its cost is what the event is billed in all once this adjustment counts.
    public var repriced: EventPricing
    public var reason: String
    /// The first month still open when it was recorded.
    public var billingMonth: CivilMonth
    public var recordedAt: Timestamp
    public var hash: ChainHash

    /// A record as stored.
    public init(
        sequence: Int64, adjustsSequence: Int64, costDelta: Money, repriced: EventPricing, reason: String, billingMonth: CivilMonth,
        recordedAt: Timestamp, hash: ChainHash
    ) {
        self.sequence = sequence
        self.adjustsSequence = adjustsSequence
        self.costDelta = costDelta
        self.repriced = repriced
        self.reason = reason
        self.billingMonth = billingMonth
        self.recordedAt = recordedAt
        self.hash = hash
    }

    /// The hash this record has when `previous` precedes it.
    public func chainHash(after previous: ChainHash) -> ChainHash {
        var bytes = Array("adjustment\nsequence=".utf8)
        appendDecimal(sequence, to: &bytes)
        bytes.append(contentsOf: ";adjusts_sequence=".utf8)
        appendDecimal(adjustsSequence, to: &bytes)
        bytes.append(contentsOf: ";cost_delta_nanos=".utf8)
        appendDecimal(costDelta.nanos, to: &bytes)
        bytes.append(contentsOf: ";cost_nanos=".utf8)
        appendDecimal(repriced.cost.nanos, to: &bytes)
        bytes.append(contentsOf: ";price=".utf8)
        bytes.append(contentsOf: (repriced.priceReference ?? "").utf8)
        bytes.append(contentsOf: repriced.estimated ? ";estimated=true".utf8 : ";estimated=false".utf8)
        bytes.append(contentsOf: repriced.freeQuota ? ";free_quota=true".utf8 : ";free_quota=false".utf8)
        bytes.append(contentsOf: ";billing_month=\(billingMonth);recorded_ms=".utf8)
        appendDecimal(recordedAt.millis, to: &bytes)
        // Last, so that whatever the reason holds cannot be read as another field.
        bytes.append(contentsOf: ";reason=".utf8)
        bytes.append(contentsOf: reason.utf8)
        return previous.next(recordBytes: bytes)
    }
}

extension ChainHash {
    /// The hash of a close or adjustment record whose chain bytes are `bytes`.
    func next(recordBytes bytes: [UInt8]) -> ChainHash {
        var hasher = SHA256()
        hasher.update(data: self.bytes)
        hasher.update(data: bytes)
        return ChainHash(bytes: Array(hasher.finalize()))
    }
}
