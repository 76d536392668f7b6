/// Appends `value` in decimal, left-padded with zeros to `minimumWidth` digits (at most 20).
///
/// Digits are taken from the right by a constant division by ten, which compiles to a
/// multiplication: formatting numbers is most of what an export or a hash chain does per row.
@inline(__always)
public func appendDigits(of value: UInt64, minimumWidth: Int, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var at = 20
        var rest = value
        repeat {
            let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
            at -= 1
            digits[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            rest = quotient
        } while rest > 0 || (20 - at < minimumWidth && at > 0)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[at...]))
    }
}
