import BudgetEngine
import CostLedger
import Pricing

extension ReportSnapshot {
    /// The Prometheus textfile for node-exporter's textfile collector (contract section 9).
    ///
    /// Counters are totals of every event up to `asOf`, so they only grow from run to run; gauges
    /// describe `asOf`. There are no timestamps; `costledger_last_run_timestamp_seconds` is `asOf`,
    /// so the same ledger and `asOf` give the same bytes.
    public func prometheusTextfile(prefix: String = "cerniq_etapa3_") -> String {
        var families: [MetricFamily] = []
        func family(_ name: String, _ kind: MetricFamily.Kind, _ help: String, _ fill: (inout MetricFamily) -> Void) {
            var metric = MetricFamily(prefix + name, kind, help)
            fill(&metric)
            families.append(metric)
        }

        var llmCost: [[String]: Money] = [:]
        var tokens: [[String]: UsageTotals] = [:]
        var apiCalls: [[String]: Int64] = [:]
        var apiCost: [[String]: Money] = [:]
        var eventsByKind: [String: Int64] = ["llm": 0, "api": 0]
        var estimated: [[String]: Int64] = [:]
        var unknownModels: [[String]: Int64] = [:]
        // Counters count the events' own figures, so a credit never makes one fall; adjustments
        // have counters of their own (section 14.3).
        var eventsOwn = allTime
        for (key, undo) in corrections.undoingAdjustments { eventsOwn[key, default: UsageTotals()].add(undo) }
        for (key, totals) in eventsOwn {
            eventsByKind[key.kind.rawValue, default: 0] += totals.requests
            switch key.kind {
            case .llm:
                llmCost[[key.tenantID, key.provider, key.model, key.operation, key.worker], default: .zero] =
                    llmCost[[key.tenantID, key.provider, key.model, key.operation, key.worker], default: .zero] + totals.cost
                let labels = [key.tenantID, key.provider, key.model]
                tokens[labels, default: UsageTotals()].add(totals)
                if totals.estimatedRequests > 0 { estimated[[key.provider, key.model], default: 0] += totals.estimatedRequests }
                let unknown = totals.section11.unknownModelRequests
                if unknown > 0 { unknownModels[[key.provider, key.model], default: 0] += unknown }
            case .api:
                apiCalls[[key.tenantID, key.service, key.operation, key.status.rawValue], default: 0] += totals.requests
                apiCost[[key.tenantID, key.service, key.operation], default: .zero] =
                    apiCost[[key.tenantID, key.service, key.operation], default: .zero] + totals.cost
            }
        }

        family("llm_cost_usd_total", .counter, "LLM cost in USD of every ledger event up to the report time.") { metric in
            for (labels, cost) in llmCost {
                metric.add(zip(["tenant_id", "provider", "model", "operation", "worker"], labels).map { ($0, $1) }, cost.description)
            }
        }
        family("llm_cost_current_hour_usd", .gauge, "LLM cost in USD in the hour before the report time.") { metric in
            for (key, spend) in budgets.lastHourSpend where key.kind == .llm {
                metric.add([("tenant_id", key.tenantID), ("provider", key.source)], spend.cost.description)
            }
        }
        family("llm_cost_current_day_usd", .gauge, "LLM cost in USD of the tenant's local day so far.") { metric in
            for budget in budgets.tenants {
                for (provider, cost) in budget.daySpendByProvider {
                    metric.add([("tenant_id", budget.tenantID), ("provider", provider)], cost.description)
                }
            }
        }
        family("llm_cost_projected_day_usd", .gauge, "Projected LLM cost in USD of the tenant's local day.") { metric in
            for budget in budgets.tenants { metric.add([("tenant_id", budget.tenantID)], budget.day.projected.description) }
        }
        family("llm_budget_utilization_ratio", .gauge, "LLM spend over budget (1 = budget used up).") { metric in
            for budget in budgets.tenants {
                metric.add([("tenant_id", budget.tenantID), ("budget_type", "daily")], budget.day.utilization.description)
                metric.add([("tenant_id", budget.tenantID), ("budget_type", "monthly")], budget.month.utilization.description)
            }
        }
        family("llm_budget_remaining_usd", .gauge, "LLM budget left in USD.") { metric in
            for budget in budgets.tenants {
                metric.add([("tenant_id", budget.tenantID), ("budget_type", "daily")], budget.day.remaining.description)
                metric.add([("tenant_id", budget.tenantID), ("budget_type", "monthly")], budget.month.remaining.description)
            }
        }
        let tokenFamilies: [(String, String, (UsageTotals) -> [(ttl: String?, value: Int64)])] = [
            ("llm_tokens_input_total", "LLM tokens (input)", { [(nil, $0.inputTokens)] }),
            ("llm_tokens_output_total", "LLM tokens (output)", { [(nil, $0.outputTokens)] }),
            ("llm_tokens_cached_total", "LLM tokens (cached)", { [(nil, $0.cachedTokens)] }),
            ("llm_tokens_reasoning_total", "LLM tokens (reasoning, part of output)", { [(nil, $0.section11.reasoningTokens)] }),
            ("llm_tokens_cache_write_total", "LLM tokens (cache writes, ttl 5m or 1h, part of input)", {
                [("5m", $0.cacheWriteTokens), ("1h", $0.section11.cacheWrite1hTokens)]
            }),
            ("llm_web_searches_total", "LLM server-side web searches", { [(nil, $0.section11.webSearchRequests)] }),
        ]
        for (name, what, values) in tokenFamilies {
            family(name, .counter, "\(what) of every ledger event up to the report time.") { metric in
                for (labels, sums) in tokens {
                    let base = [("tenant_id", labels[0]), ("provider", labels[1]), ("model", labels[2])]
                    for (ttl, value) in values(sums) { metric.add(base + (ttl.map { [("ttl", $0)] } ?? []), String(value)) }
                }
            }
        }
        family("llm_tokens_per_request", .histogram, "Input plus output tokens per LLM request.") { metric in
            for (key, buckets) in tokenHistogram.sorted(by: { $0.key < $1.key }) {
                metric.addHistogram(
                    [("provider", key.provider), ("model", key.model), ("operation", key.operation)],
                    bounds: RollupDelta.tokenBuckets.map(String.init), counts: buckets.map(\.requests),
                    sum: String(buckets.reduce(0) { $0 + $1.tokens }))
            }
        }
        family("conversation_cost_usd", .histogram, "LLM cost in USD of each conversation so far.") { metric in
            let bounds = ["0.01", "0.05", "0.1", "0.25", "0.5", "1", "2", "5", "10", "25"]
            let limits = bounds.compactMap { Money(decimal: $0) }
            var perTenant: [String: (counts: [Int64], sum: Money)] = [:]
            for (key, activity) in budgets.conversations {
                var entry = perTenant[key.tenantID] ?? ([Int64](repeating: 0, count: limits.count + 1), .zero)
                entry.counts[limits.firstIndex { activity.cost <= $0 } ?? limits.count] += 1
                entry.sum = entry.sum + activity.cost
                perTenant[key.tenantID] = entry
            }
            for (tenant, entry) in perTenant.sorted(by: { $0.key < $1.key }) {
                metric.addHistogram([("tenant_id", tenant)], bounds: bounds, counts: entry.counts, sum: entry.sum.description)
            }
        }
        family("external_api_calls_total", .counter, "External API calls of every ledger event up to the report time.") { metric in
            for (labels, count) in apiCalls {
                metric.add(zip(["tenant_id", "service", "operation", "status"], labels).map { ($0, $1) }, String(count))
            }
        }
        family("external_api_cost_usd_total", .counter, "External API cost in USD of every ledger event up to the report time.") { metric in
            for (labels, cost) in apiCost {
                metric.add(zip(["tenant_id", "service", "operation"], labels).map { ($0, $1) }, cost.description)
            }
        }
        family("external_api_quota_remaining", .gauge, "Free calls left this UTC month.") { metric in
            for pool in quotaPools {
                guard let remaining = pool.quotaRemaining else { continue }
                var labels = [("service", pool.service), ("operation", pool.operation)]
                if !pool.tenantID.isEmpty { labels.append(("tenant_id", pool.tenantID)) }
                metric.add(labels, String(remaining))
            }
        }
        family("external_api_monthly_spend_usd", .gauge, "External API cost in USD this UTC month so far.") { metric in
            var spend: [[String]: Money] = [:]
            for (key, totals) in monthToDate where key.kind == .api {
                spend[[key.tenantID, key.service], default: .zero] = spend[[key.tenantID, key.service], default: .zero] + totals.cost
            }
            for (labels, cost) in spend { metric.add([("tenant_id", labels[0]), ("service", labels[1])], cost.description) }
        }
        family("costledger_events_total", .counter, "Events in the ledger up to the report time.") { metric in
            for (kind, count) in eventsByKind { metric.add([("kind", kind)], String(count)) }
        }
        family("costledger_estimated_events_total", .counter, "LLM events priced by a fallback (estimated) row.") { metric in
            for (labels, count) in estimated { metric.add([("provider", labels[0]), ("model", labels[1])], String(count)) }
        }
        // Counted as the unknown_model rejection of section 11.3 sees it: provider-priced events too.
        family(
            "costledger_unknown_model_events_total", .counter,
            "LLM events whose model no price row knows (priced by a fallback row, or by the provider's reported cost)."
        ) { metric in
            for (labels, count) in unknownModels { metric.add([("provider", labels[0]), ("model", labels[1])], String(count)) }
        }
        family("llm_cost_adjustment_usd_total", .counter, "Price corrections in USD recorded up to the report time, debits and credits.") {
            metric in
            for (direction, amounts) in [("debit", corrections.debits), ("credit", corrections.credits)] {
                for (tenant, amount) in amounts { metric.add([("tenant_id", tenant), ("direction", direction)], amount.description) }
            }
        }
        family("costledger_late_events_total", .counter, "Events accepted after their month was closed, up to the report time.") { metric in
            metric.add([], String(corrections.lateEvents))
        }
        if let closed = corrections.lastClosedMonth {
            family("costledger_last_closed_month_end_timestamp_seconds", .gauge, "The end of the last closed month.") { metric in
                metric.add([], String(closed.endMillis / 1000))
            }
        }
        family("costledger_last_run_timestamp_seconds", .gauge, "The report time (as_of) of the run that wrote this file.") { metric in
            metric.add([], ExactDecimal.format(Int128(asOf.millis), scale: 3, minFractionDigits: 0))
        }
        family(
            "costledger_ledger_head_sequence", .gauge,
            "Sequence number of the last ledger record counted (timestamp up to as_of); verify --head checks it is still there."
        ) { metric in
            metric.add([], String(head.sequence))
        }
        return families.map(\.text).joined()
    }
}
