/// An exact amount of US dollars, counted in whole nano-USD (1 USD = 1,000,000,000).
///
/// Every stored and reported amount is a `Money`; floating point never touches it. Values
/// computed with more precision (pico- or atto-USD) are rounded once, half to even, with
/// ``roundedHalfToEven(_:divisor:)``.
public struct Money: Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    /// The amount in nano-USD.
    public var nanos: Int64

    public static let nanosPerDollar: Int64 = 1_000_000_000
    public static let zero = Money(nanos: 0)

    public init(nanos: Int64) {
        self.nanos = nanos
    }

    /// Parses a decimal USD amount with at most 9 fractional digits (`"12.5"`, `"-0.000000001"`).
    public init?(decimal text: some StringProtocol) {
        guard let value = ExactDecimal.parse(text, maxFractionDigits: 9) else { return nil }
        nanos = value
    }

    /// The amount as a USD decimal string with exactly 9 fractional digits, as the contract prints money.
    public var description: String { ExactDecimal.format(Int128(nanos), scale: 9, minFractionDigits: 9) }

    /// Rounds `value / divisor` half to even to a whole nano-USD.
    ///
    /// `value` is an amount in units of `1 / (divisor * 1e9)` USD.
    public static func roundedHalfToEven(_ value: Int128, divisor: Int128) -> Money {
        Money(nanos: Int64(divideRoundingHalfToEven(value, divisor)))
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(nanos: lhs.nanos + rhs.nanos) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(nanos: lhs.nanos - rhs.nanos) }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.nanos < rhs.nanos }
}

/// Divides and rounds half to even (banker's rounding), for any signs.
public func divideRoundingHalfToEven(_ value: Int128, _ divisor: Int128) -> Int128 {
    precondition(divisor > 0, "divisor must be positive")
    // Most amounts fit in 64 bits, where division is a single instruction instead of a library call.
    if let small = Int64(exactly: value), let smallDivisor = Int64(exactly: divisor) {
        return Int128(divideRoundingHalfToEven(small, smallDivisor))
    }
    var quotient = value / divisor
    let remainder = value % divisor
    if remainder == 0 { return quotient }
    let twice = remainder.magnitude * 2
    let direction: Int128 = value < 0 ? -1 : 1
    if twice > divisor.magnitude || (twice == divisor.magnitude && quotient % 2 != 0) {
        quotient += direction
    }
    return quotient
}

/// ``divideRoundingHalfToEven(_:_:)-(Int128,Int128)`` for 64-bit values.
@inline(__always) private func divideRoundingHalfToEven(_ value: Int64, _ divisor: Int64) -> Int64 {
    var quotient = value / divisor
    let remainder = value % divisor
    if remainder == 0 { return quotient }
    let twice = remainder.magnitude * 2
    if twice > divisor.magnitude || (twice == divisor.magnitude && quotient % 2 != 0) {
        quotient += value < 0 ? -1 : 1
    }
    return quotient
}
