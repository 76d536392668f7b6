/// A calendar date in the proleptic Gregorian calendar, as a count of days since 1970-01-01.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var daysSinceEpoch: Int64

    public static let millisPerDay: Int64 = 86_400_000

    public init(daysSinceEpoch: Int64) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The date of year/month/day; nil when the day does not exist in that month.
    public init?(year: Int64, month: Int64, day: Int64) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        daysSinceEpoch = CivilDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = parseDigits(bytes[0..<4]), let month = parseDigits(bytes[5..<7]),
            let day = parseDigits(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The UTC date that contains the instant `millis` (milliseconds since the epoch).
    public init(utcMillis millis: Int64) {
        daysSinceEpoch = floorDivide(millis, CivilDate.millisPerDay)
    }

    /// The first instant of this date in UTC, in milliseconds since the epoch.
    public var startMillis: Int64 { daysSinceEpoch * CivilDate.millisPerDay }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int64, month: Int64, day: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The first day of this date's month.
    public var firstOfMonth: CivilDate {
        let (year, month, _) = components
        return CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(year: year, month: month, day: 1))
    }

    /// `YYYY-MM`: the key of a UTC calendar month.
    public var monthKey: String {
        let (year, month, _) = components
        return "\(pad(year, 4))-\(pad(month, 2))"
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// Integer division rounding toward negative infinity.
public func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// A zero-padded decimal of at least `width` digits.
public func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

private func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int64? {
    var value: Int64 = 0
    for byte in bytes {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    return value
}
