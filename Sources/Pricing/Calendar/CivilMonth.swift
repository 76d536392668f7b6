/// A UTC calendar month, as a count of months since January of year 0: the unit finance closes
/// and bills (contract section 14).
public struct CivilMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `year * 12 + month - 1`.
    public var index: Int64

    public init(index: Int64) {
        self.index = index
    }

    /// The month that contains `date`.
    public init(_ date: CivilDate) {
        let (year, month, _) = date.components
        index = year * 12 + month - 1
    }

    /// Parses `YYYY-MM`.
    public init?(iso text: some StringProtocol) {
        guard text.utf8.count == 7, let first = CivilDate(iso: text + "-01") else { return nil }
        self.init(first)
    }

    public var year: Int64 { floorDivide(index, 12) }
    /// 1–12.
    public var month: Int64 { index - year * 12 + 1 }

    /// The month after this one.
    public var next: CivilMonth { CivilMonth(index: index + 1) }

    /// The month's first day.
    public var firstDay: CivilDate {
        CivilDate(daysSinceEpoch: CivilDate.daysFromCivil(year: year, month: month, day: 1))
    }

    /// The first instant of the month in UTC, in milliseconds since the epoch.
    public var startMillis: Int64 { firstDay.startMillis }
    /// The first instant of the next month: the month is `startMillis..<endMillis`.
    public var endMillis: Int64 { next.startMillis }

    /// `YYYY-MM`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))" }

    /// Appends `YYYY-MM`, as ``description`` writes it, without building a `String`.
    public func appendISO(to out: inout [UInt8]) {
        appendDigits(of: UInt64(clamping: year), minimumWidth: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(of: UInt64(month), minimumWidth: 2, to: &out)
    }

    public static func < (lhs: CivilMonth, rhs: CivilMonth) -> Bool { lhs.index < rhs.index }
}
