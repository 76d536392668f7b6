#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pricing

/// An instant in UTC with millisecond precision.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millis: Int64

    public init(millis: Int64) {
        self.millis = millis
    }

    /// Parses an RFC 3339 date-time (`2026-11-24T12:15:00.123456+02:00`), truncating to the millisecond.
    ///
    /// A date, a time and an offset (`Z` or `±HH:MM`) are all required.
    public init?(rfc3339 text: some StringProtocol) {
        var text = Substring(text)
        guard let millis = text.withUTF8({ Self.parse($0) }) else { return nil }
        self.millis = millis
    }

    /// `YYYY-MM-DD`: a UTC date, taken as its first instant.
    public init(date: CivilDate) {
        millis = date.startMillis
    }

    /// The current time of the system clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millis: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// The UTC date of this instant.
    public var utcDate: CivilDate { CivilDate(utcMillis: millis) }
    /// The UTC month that contains this instant.
    public var utcMonth: CivilMonth { CivilMonth(utcDate) }

    /// `2026-11-24T10:15:00.000Z`: the contract's output form.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``description``'s bytes to `out`.
    public func appendRFC3339(to out: inout [UInt8]) {
        let date = utcDate
        let (year, month, day) = date.components
        let inDay = millis - date.startMillis
        appendDigits(year, 4, &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month, 2, &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, 2, &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(inDay / 3_600_000, 2, &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(inDay / 60_000 % 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(inDay / 1000 % 60, 2, &out)
        out.append(UInt8(ascii: "."))
        appendDigits(inDay % 1000, 3, &out)
        out.append(UInt8(ascii: "Z"))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millis < rhs.millis }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        // YYYY-MM-DDTHH:MM:SS is 19 bytes; an offset needs at least 1 more.
        guard b.count >= 20, b.count <= 64 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in start..<(start + count) {
                let byte = b[i]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2),
            let date = CivilDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fractionMillis: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if count < 3 { fractionMillis = fractionMillis * 10 + Int64(b[i] - 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            if count < 3 { for _ in count..<3 { fractionMillis *= 10 } }
        }
        guard i < b.count else { return nil }
        var offsetMinutes: Int64 = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let offsetHour = digits(i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                let offsetMinute = digits(i + 4, 2), offsetHour < 24, offsetMinute < 60
            else { return nil }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let local = date.startMillis + ((hour * 60 + minute) * 60 + second) * 1000 + fractionMillis
        let utc = local - offsetMinutes * 60_000
        // An offset can move year 0000 or 9999 out of the four-digit years that RFC 3339 can write.
        guard utc >= Self.earliest, utc <= Self.latest else { return nil }
        return utc
    }

    /// 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants RFC 3339 can write in UTC.
    private static let earliest = CivilDate(year: 1, month: 1, day: 1)!.startMillis
    private static let latest = CivilDate(year: 9999, month: 12, day: 31)!.startMillis + CivilDate.millisPerDay - 1
}

/// Appends a non-negative `value` with at least `width` digits, zero-padded.
@inline(__always)
func appendDigits(_ value: Int64, _ width: Int, _ out: inout [UInt8]) {
    appendDigits(of: UInt64(value), minimumWidth: width, to: &out)
}
