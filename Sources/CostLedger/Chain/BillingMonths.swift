import Pricing

/// The rules of contract section 14 that give a record its billing month, from the last month
/// closed when it was recorded (months close once and in order, so every month up to the last
/// closed one is closed).
public enum BillingMonths {
    /// The billing month of an event with `timestamp` accepted after `lastClosed` was closed,
    /// when it is late (its own month is closed): the first month still open. nil otherwise.
    public static func late(_ timestamp: Timestamp, lastClosed: CivilMonth?) -> CivilMonth? {
        guard let lastClosed, timestamp.utcMonth <= lastClosed else { return nil }
        return lastClosed.next
    }

    /// The billing month of an adjustment recorded after `lastClosed` was closed, of an event
    /// with `timestamp`: the event's own month while it is open, else the first month still open.
    public static func adjustment(ofEventAt timestamp: Timestamp, lastClosed: CivilMonth?) -> CivilMonth {
        late(timestamp, lastClosed: lastClosed) ?? timestamp.utcMonth
    }
}
