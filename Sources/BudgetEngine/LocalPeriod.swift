import Foundation

/// A tenant's local calendar day or month, as UTC instants.
public struct LocalPeriod: Sendable, Hashable {
    /// The first instant, in milliseconds since the epoch.
    public var start: Int64
    /// The first instant of the next period.
    public var end: Int64

    /// The real length: 23 or 25 hours on the days clocks change.
    public var length: Int64 { end - start }

    /// Which calendar period.
    public enum Unit: Sendable {
        case day
        case month
    }

    /// The day or month of `timezone` that contains `instant` (milliseconds).
    public init?(_ unit: Unit, containing instant: Int64, timezone: String) {
        let component: Calendar.Component = unit == .day ? .day : .month
        guard let zone = TimeZone(identifier: timezone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: TimeInterval(instant) / 1000)
        guard let interval = calendar.dateInterval(of: component, for: date) else { return nil }
        start = Int64((interval.start.timeIntervalSince1970 * 1000).rounded())
        end = Int64((interval.end.timeIntervalSince1970 * 1000).rounded())
    }
}
