/// A record named by its sequence number and chain hash: what `report` writes down as the last
/// record it counted, so `verify --head` can tell later that events were deleted off the end.
public struct LedgerHead: Sendable, Hashable, CustomStringConvertible {
    public var sequence: Int64
    public var hash: ChainHash

    public init(sequence: Int64, hash: ChainHash) {
        self.sequence = sequence
        self.hash = hash
    }

    /// The head of an empty ledger: sequence 0 and the genesis hash.
    public static let empty = LedgerHead(sequence: 0, hash: .genesis)

    /// Parses `SEQ:HASH`, the hash as 64 hex digits.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, let hash = ChainHash(hex: parts[1]) else { return nil }
        self.init(sequence: sequence, hash: hash)
    }

    /// `SEQ:HASH`, as ``init(_:)`` reads it.
    public var description: String { "\(sequence):\(hash)" }
}

extension ChainHash {
    /// Parses 64 hex digits (either case).
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }
}
