import Optimizer
import Pricing

extension ReportSnapshot {
    /// The columns of `recommendations-DATE` and `costledger recommend` (contract section 8).
    public static let recommendationColumns = [
        "id", "tenant_id", "category", "priority", "title", "description", "estimated_monthly_savings_usd", "implementation",
        "current_metric", "target_metric",
    ]

    /// `recommendations-DATE`: largest saving first.
    public var recommendationsTable: ReportTable {
        Self.recommendationsTable(recommendations)
    }

    /// Recommendations as report rows.
    public static func recommendationsTable(_ recommendations: [Recommendation]) -> ReportTable {
        var table = ReportTable(columns: recommendationColumns)
        table.rows = recommendations.map { item in
            [
                .text(item.id), .text(item.tenantID), .text(item.category.rawValue), .text(item.priority.rawValue), .text(item.title),
                .text(item.description), .money(item.estimatedMonthlySavings), .text(item.implementation), .text(item.currentMetric),
                .text(item.targetMetric),
            ]
        }
        return table
    }
}
