import Pricing

/// A tenant's budgets and alert thresholds (a row of `config/tenants.csv`).
public struct BudgetPolicy: Sendable, Hashable {
    public var tenantID: String
    public var dailyBudget: Money
    public var monthlyBudget: Money
    public var perConversationLimit: Money
    /// Utilisation ratios in millionths (0.7 = 700,000).
    public var warningThreshold: Decimal6
    public var criticalThreshold: Decimal6
    /// An IANA time zone name.
    public var timezone: String

    /// The seed's defaults for a tenant without a row: 100 / 2000 / 5 USD, 0.7 / 0.9, UTC.
    public static func defaults(for tenantID: String) -> BudgetPolicy {
        BudgetPolicy(
            tenantID: tenantID, dailyBudget: Money(nanos: 100 * Money.nanosPerDollar),
            monthlyBudget: Money(nanos: 2000 * Money.nanosPerDollar), perConversationLimit: Money(nanos: 5 * Money.nanosPerDollar),
            warningThreshold: Decimal6(millionths: 700_000), criticalThreshold: Decimal6(millionths: 900_000), timezone: "UTC")
    }
}
