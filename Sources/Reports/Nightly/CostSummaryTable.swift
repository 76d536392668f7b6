import CostLedger
import Pricing

extension ReportSnapshot {
    /// `cost-summary-DATE`: per tenant, kind, provider, model, service and operation, for the
    /// previous UTC day and for the month to date.
    public var costSummary: ReportTable {
        let today = asOf.utcDate
        return Self.costSummaryTable([
            (CivilDate(daysSinceEpoch: today.daysSinceEpoch - 1).description, previousDay), (today.monthKey, monthToDate),
        ])
    }

    /// The cost summary of one period's usage.
    public static func costSummaryTable(_ usage: [UsageKey: UsageTotals], period: String) -> ReportTable {
        costSummaryTable([(period, usage)])
    }

    static func costSummaryTable(_ periods: [(String, [UsageKey: UsageTotals])]) -> ReportTable {
        var table = ReportTable(columns: [
            "period", "tenant_id", "kind", "provider", "model", "service", "operation", "requests", "input_tokens", "output_tokens",
            "cached_tokens", "cache_write_tokens", "units", "cost_usd", "estimated_requests",
            // Section 11.5: only ever appended.
            "cache_write_1h_tokens", "input_audio_tokens", "input_image_tokens", "output_audio_tokens", "output_image_tokens",
            "reasoning_tokens", "web_search_requests",
        ])
        var rows: [[ReportTable.Cell]] = []
        for (period, usage) in periods {
            for (key, totals) in Self.summaryGroups(usage) {
                let more = totals.section11
                rows.append([
                    .text(period), .text(key.tenantID), .text(key.kind.rawValue), .text(key.provider), .text(key.model),
                    .text(key.service), .text(key.operation), .count(totals.requests), .count(totals.inputTokens),
                    .count(totals.outputTokens), .count(totals.cachedTokens), .count(totals.cacheWriteTokens), .count(totals.units),
                    .money(totals.cost), .count(totals.estimatedRequests), .count(more.cacheWrite1hTokens),
                    .count(more.inputAudioTokens), .count(more.inputImageTokens), .count(more.outputAudioTokens),
                    .count(more.outputImageTokens), .count(more.reasoningTokens), .count(more.webSearchRequests),
                ])
            }
        }
        table.rows = rows.sorted { $0.prefix(7).map(\.csv).lexicographicallyPrecedes($1.prefix(7).map(\.csv)) }
        return table
    }

    /// Usage merged over workers and statuses: the summary's key columns.
    static func summaryGroups(_ usage: [UsageKey: UsageTotals]) -> [UsageKey: UsageTotals] {
        var groups: [UsageKey: UsageTotals] = [:]
        for (key, totals) in usage {
            var merged = key
            merged.worker = ""
            merged.status = .success
            merged.batch = false
            groups[merged, default: UsageTotals()].add(totals)
        }
        return groups
    }
}
