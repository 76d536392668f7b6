/// One row of `pricing/services.csv`: the price of an external API operation from a date on.
public struct ServicePriceRow: Sendable, Hashable {
    public var service: String
    public var operation: String
    public var effectiveFrom: CivilDate
    public var pricePerCall: Decimal6
    public var pricePerUnit: Decimal6
    /// Free successful calls per UTC calendar month, or nil when there is no free quota.
    public var freeQuotaPerMonth: Int64?
    public var quotaScope: QuotaScope

    public init(
        service: String, operation: String, effectiveFrom: CivilDate, pricePerCall: Decimal6 = .zero,
        pricePerUnit: Decimal6 = .zero, freeQuotaPerMonth: Int64? = nil, quotaScope: QuotaScope = .global
    ) {
        self.service = service
        self.operation = operation
        self.effectiveFrom = effectiveFrom
        self.pricePerCall = pricePerCall
        self.pricePerUnit = pricePerUnit
        self.freeQuotaPerMonth = freeQuotaPerMonth
        self.quotaScope = quotaScope
    }

    /// `service/operation@effective_from`.
    public var reference: String { "\(service)/\(operation)@\(effectiveFrom)" }
}

/// Who shares a free quota.
public enum QuotaScope: String, Sendable, Hashable {
    /// One provider account for all tenants.
    case global
    /// A quota per tenant.
    case tenant
}
