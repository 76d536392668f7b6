/// A non-negative decimal with at most 6 fractional digits, held exactly as millionths.
///
/// Prices (USD per 1M tokens, per call, per unit) and the batch discount fraction have this form.
public struct Decimal6: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value times 1,000,000.
    public var millionths: Int64

    public static let zero = Decimal6(millionths: 0)
    public static let one = Decimal6(millionths: 1_000_000)
    /// The largest price accepted, 1,000 USD (per 1M tokens, call or unit), keeps the cost of any
    /// valid event within `Int64` nano-USD.
    public static let maximum = Decimal6(millionths: 1_000 * 1_000_000)

    public init(millionths: Int64) {
        self.millionths = millionths
    }

    /// Parses a plain decimal string such as `"3.00"` or `"0.025"`; nil when it is negative,
    /// has more than 6 fractional digits, or exceeds ``maximum``.
    public init?(_ text: some StringProtocol) {
        guard let value = ExactDecimal.parse(text, maxFractionDigits: 6), value >= 0,
            value <= Decimal6.maximum.millionths
        else { return nil }
        millionths = value
    }

    /// The plain decimal with no more digits than needed (`"0.025"`, `"3.0"`).
    public var description: String { ExactDecimal.format(Int128(millionths), scale: 6, minFractionDigits: 1) }

    public static func < (lhs: Decimal6, rhs: Decimal6) -> Bool { lhs.millionths < rhs.millionths }
}
