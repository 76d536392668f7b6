import Foundation
import Pricing

/// A tenant's budgets and alert thresholds: a row of `config/tenants.csv`, or the seed's defaults.
public struct BudgetPolicy: Sendable, Hashable {
    public var tenantID: String
    public var dailyBudget: Money
    public var monthlyBudget: Money
    public var perConversationLimit: Money
    public var warningThreshold: Decimal6
    public var criticalThreshold: Decimal6
    /// The IANA time zone whose calendar days and months the budgets follow.
    public var timezone: String

    public init(
        tenantID: String, dailyBudget: Money, monthlyBudget: Money, perConversationLimit: Money, warningThreshold: Decimal6,
        criticalThreshold: Decimal6, timezone: String
    ) {
        self.tenantID = tenantID
        self.dailyBudget = dailyBudget
        self.monthlyBudget = monthlyBudget
        self.perConversationLimit = perConversationLimit
        self.warningThreshold = warningThreshold
        self.criticalThreshold = criticalThreshold
        self.timezone = timezone
    }

    /// The seed's defaults for a tenant without a row: 100 / 2000 / 5 USD, thresholds 0.7 / 0.9, UTC.
    public static func defaults(for tenantID: String) -> BudgetPolicy {
        BudgetPolicy(
            tenantID: tenantID, dailyBudget: Money(nanos: 100 * Money.nanosPerDollar),
            monthlyBudget: Money(nanos: 2000 * Money.nanosPerDollar), perConversationLimit: Money(nanos: 5 * Money.nanosPerDollar),
            warningThreshold: Decimal6(millionths: 700_000), criticalThreshold: Decimal6(millionths: 900_000), timezone: "UTC")
    }
}
