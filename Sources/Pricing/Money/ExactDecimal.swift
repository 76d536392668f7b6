/// Exact parsing and formatting of decimal strings as scaled integers.
public enum ExactDecimal {
    /// Parses `[-]digits[.digits]` into an integer scaled by `10^maxFractionDigits`.
    ///
    /// Returns nil for anything else: exponents, spaces, more fractional digits than allowed,
    /// or a value that does not fit in `Int64`.
    public static func parse(_ text: some StringProtocol, maxFractionDigits scale: Int) -> Int64? {
        var negative = false
        var integer: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var sawDigit = false
        var inFraction = false
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "-") where first:
                negative = true
            case UInt8(ascii: "."):
                if inFraction { return nil }
                inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                let digit = Int64(byte - UInt8(ascii: "0"))
                if inFraction {
                    fractionDigits += 1
                    if fractionDigits > scale { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    let (times10, o1) = integer.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(digit)
                    if o1 || o2 { return nil }
                    integer = sum
                }
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        var multiplier: Int64 = 1
        for _ in 0..<scale { multiplier *= 10 }
        var fractionScale: Int64 = 1
        for _ in 0..<(scale - fractionDigits) { fractionScale *= 10 }
        let (scaled, o1) = integer.multipliedReportingOverflow(by: multiplier)
        let (value, o2) = scaled.addingReportingOverflow(fraction * fractionScale)
        if o1 || o2 { return nil }
        return negative ? -value : value
    }

    /// Formats `value / 10^scale` in plain decimal notation.
    ///
    /// At least `minFractionDigits` fractional digits are written; further trailing zeros are dropped.
    public static func format(_ value: Int128, scale: Int, minFractionDigits: Int) -> String {
        var magnitude = value.magnitude
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(magnitude % 10) + UInt8(ascii: "0"))
            magnitude /= 10
        } while magnitude > 0
        while digits.count <= scale { digits.append(UInt8(ascii: "0")) }
        digits.reverse()
        let integerPart = digits[0..<(digits.count - scale)]
        var fractionPart = digits[(digits.count - scale)...]
        while fractionPart.count > minFractionDigits, fractionPart.last == UInt8(ascii: "0") {
            fractionPart = fractionPart.dropLast()
        }
        var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        out.append(contentsOf: integerPart)
        if !fractionPart.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: fractionPart)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
