import BudgetEngine
import Pricing

extension ReportSnapshot {
    /// `budgets-DATE`: one row per tenant with events or a row in the tenants file.
    public var budgetsTable: ReportTable {
        var table = ReportTable(columns: Self.budgetColumns)
        table.rows = budgets.tenants.map(Self.budgetRow)
        return table
    }

    /// The columns of the budgets file and of `costledger budgets`.
    public static let budgetColumns = [
        "tenant_id", "timezone", "day_spend_usd", "daily_budget_usd", "daily_utilization", "daily_remaining_usd", "projected_day_usd",
        "daily_status", "month_spend_usd", "monthly_budget_usd", "monthly_utilization", "monthly_remaining_usd", "projected_month_usd",
        "monthly_status", "external_api_month_spend_usd", "conversations_over_limit",
    ]

    /// One tenant's row of the budgets file.
    public static func budgetRow(_ budget: TenantBudget) -> [ReportTable.Cell] {
        [
            .text(budget.tenantID), .text(budget.policy.timezone), .money(budget.day.spend), .money(budget.day.budget),
            .ratio(budget.day.utilization), .money(budget.day.remaining), .money(budget.day.projected), .text(budget.day.status.rawValue),
            .money(budget.month.spend), .money(budget.month.budget), .ratio(budget.month.utilization), .money(budget.month.remaining),
            .money(budget.month.projected), .text(budget.month.status.rawValue), .money(budget.externalAPIMonthSpend),
            .count(Int64(budget.conversationsOverLimit)),
        ]
    }
}
