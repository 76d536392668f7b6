/// A FOCUS export that cannot be made faithfully from the ledger and the price table at hand.
public struct FocusExportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; extensible, like `LedgerError.Code`.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The price table no longer gives the row or the cost the ledger stored for an event:
        /// its per-component prices would not add up to the ledger.
        public static let priceMismatch = Code(rawValue: "price_mismatch")
        /// The store streamed records out of timestamp order, so hours cannot be closed one by one.
        public static let unordered = Code(rawValue: "unordered")
    }

    public var code: Code
    /// The ledger sequence number of the record concerned.
    public var sequence: Int64
    public var message: String

    public init(_ code: Code, sequence: Int64, _ message: String) {
        self.code = code
        self.sequence = sequence
        self.message = message
    }

    public var description: String { "sequence \(sequence): \(message)" }
}
