/// The price of one external API call.
public struct APIPriceQuote: Sendable, Hashable {
    /// The row used; nil for an unpriced `(service, operation)`.
    public var row: ServicePriceRow?
    /// The call was free because it fell inside the monthly free quota.
    public var insideFreeQuota: Bool
    /// The call counts against the free quota (a successful call of an operation that has one).
    public var consumesQuota: Bool
    /// What the call would cost without a free quota, exactly, in micro-USD.
    public var listMicros: Int64
    /// What is billed.
    public var cost: Money

    /// An unpriced call: no row, no cost.
    public static let unpriced = APIPriceQuote(row: nil, insideFreeQuota: false, consumesQuota: false, listMicros: 0, cost: .zero)
}

extension ServicePriceRow {
    /// Prices one call of `units` units.
    ///
    /// - Parameters:
    ///   - succeeded: errored calls cost nothing and consume no quota.
    ///   - quotaUsed: successful calls already counted in this call's quota pool and month.
    public func quote(units: Int64, succeeded: Bool, quotaUsed: Int64) -> APIPriceQuote {
        guard succeeded else {
            return APIPriceQuote(row: self, insideFreeQuota: false, consumesQuota: false, listMicros: 0, cost: .zero)
        }
        let list = pricePerCall.millionths + pricePerUnit.millionths * units
        guard let quota = freeQuotaPerMonth else {
            return APIPriceQuote(
                row: self, insideFreeQuota: false, consumesQuota: false, listMicros: list,
                cost: Money(nanos: list * 1000))
        }
        let free = quotaUsed < quota
        return APIPriceQuote(
            row: self, insideFreeQuota: free, consumesQuota: true, listMicros: list,
            cost: free ? .zero : Money(nanos: list * 1000))
    }
}
