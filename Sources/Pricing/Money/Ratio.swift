/// A ratio rounded half to even to 6 decimals, as the contract prints ratios.
public struct Ratio: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The ratio times 1,000,000.
    public var millionths: Int64

    public init(millionths: Int64) {
        self.millionths = millionths
    }

    /// `numerator / denominator`, rounded half to even; zero when the denominator is zero.
    public init(_ numerator: Money, over denominator: Money) {
        guard denominator.nanos != 0 else {
            millionths = 0
            return
        }
        millionths = Int64(divideRoundingHalfToEven(Int128(numerator.nanos) * 1_000_000, Int128(denominator.nanos)))
    }

    /// `0.750000`: exactly 6 fractional digits.
    public var description: String { ExactDecimal.format(Int128(millionths), scale: 6, minFractionDigits: 6) }

    public static func < (a: Ratio, b: Ratio) -> Bool { a.millionths < b.millionths }
}
