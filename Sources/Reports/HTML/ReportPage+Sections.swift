import CostLedger
import Foundation
import Plot
import Pricing

extension ReportPage {
    /// How many groups the cost tables and the daily chart show before summing the rest.
    static let topModels = 10
    static let topOperations = 10
    static let topTenants = 5

    var monthKey: String { input.asOf.utcDate.monthKey }
    var previousDay: String { CivilDate(daysSinceEpoch: input.asOf.utcDate.daysSinceEpoch - 1).description }

    /// The title, what the page is of, and four headline figures.
    var overview: Body {
        let monthCost = monthRows.reduce(Money.zero) { $0 + $1.money("cost_usd") }
        let dayCost = previousDayRows.reduce(Money.zero) { $0 + $1.money("cost_usd") }
        let flagged = input.budgets.namedRows.filter { $0.text("daily_status") != "ok" || $0.text("monthly_status") != "ok" }.count
        let savings = input.recommendations.namedRows.reduce(Money.zero) { $0 + $1.money("estimated_monthly_savings_usd") }
        func tile(_ label: String, _ figure: Body, unit: String) -> Body {
            .div(
                .class("tile"), .div(.class("label"), .raw(HTMLEscaping.escape(label))),
                .div(.class("value"), figure, .span(.class("unit"), .raw(HTMLEscaping.escape(unit)))))
        }
        return .header(
            .class("top"),
            .h1(.raw("LLM and API costs")),
            .p(
                .class("sub"),
                .raw(
                    HTMLEscaping.escape(
                        "As of \(input.asOf) · UTC month \(monthKey) · ledger head sequence \(input.head.sequence) · amounts in USD"))),
            .div(
                .class("tiles"),
                tile("Month to date, \(monthKey)", Self.figure(monthCost.description, of: ["total", monthKey, "cost_usd"]), unit: " USD"),
                tile("Previous UTC day, \(previousDay)", Self.figure(dayCost.description, of: ["total", previousDay, "cost_usd"]), unit: " USD"),
                tile(
                    "Tenants at warning or worse",
                    Self.figure(String(flagged), of: ["total", "budgets", "flagged"]), unit: " of \(input.budgets.rows.count)"),
                tile(
                    "Savings found, a month",
                    Self.figure(savings.description, of: ["total", "recommendations", "estimated_monthly_savings_usd"]), unit: " USD")))
    }

    /// Links to the sections (hidden in print).
    var contents: Body {
        let links: [(String, String)] = [
            ("budgets", "Budgets"), ("daily", "Daily spend"), ("costs", "Cost by model and operation"), ("external-apis", "External APIs"),
            ("recommendations", "Recommendations"), ("attention", "Needs attention"),
        ]
        return .nav(.class("toc"), .group(links.map { id, title in .a(.href("#" + id), .raw(HTMLEscaping.escape(title))) }))
    }

    /// Every tenant's day and month against its budget, as bars with thresholds and projection.
    var budgetsSection: Body {
        let cards: [Body] = input.budgets.namedRows.map { row in
            let tenant = row.text("tenant_id")
            let thresholds = input.thresholds[tenant] ?? Thresholds(warning: Decimal6(millionths: 700_000), critical: Decimal6(millionths: 900_000))
            func period(_ label: String, _ columns: [String]) -> Body {
                let (spend, budget, utilization, remaining, projected, status) = (columns[0], columns[1], columns[2], columns[3], columns[4], columns[5])
                func figure(_ column: String, display: String? = nil) -> Body {
                    Self.figure(row.text(column), display: display, of: ["budgets", tenant, column])
                }
                return .div(
                    .class("period"),
                    .div(.class("line"), .strong(.raw(label)), Self.status(row.text(status))),
                    SVGBudgetBar(
                        spend: row.money(spend), budget: row.money(budget), projected: row.money(projected), thresholds: thresholds,
                        status: row.text(status)
                    ).node,
                    .div(
                        .class("figures"),
                        figure(spend), .raw(" of "), figure(budget), .raw(" USD · "), figure(utilization, display: Self.percent(row[utilization])),
                        .raw(" · projected "), figure(projected), .raw(" · left "), figure(remaining)))
            }
            return .div(
                .class("card"),
                .div(
                    .class("card-head"), .h3(Self.value(tenant)),
                    .span(.class("tz"), Self.value(row.text("timezone")))),
                period(
                    "Day",
                    ["day_spend_usd", "daily_budget_usd", "daily_utilization", "daily_remaining_usd", "projected_day_usd", "daily_status"]),
                period(
                    "Month",
                    [
                        "month_spend_usd", "monthly_budget_usd", "monthly_utilization", "monthly_remaining_usd", "projected_month_usd",
                        "monthly_status",
                    ]),
                .div(
                    .class("figures extra"),
                    .raw("External APIs this month "),
                    Self.figure(row.text("external_api_month_spend_usd"), of: ["budgets", tenant, "external_api_month_spend_usd"]),
                    .raw(" USD · conversations over their limit "),
                    Self.figure(row.text("conversations_over_limit"), of: ["budgets", tenant, "conversations_over_limit"]),
                    .raw(" · marks at "), .raw(Self.fraction(thresholds.warning)), .raw(" and "), .raw(Self.fraction(thresholds.critical))))
        }
        return Self.section(
            "budgets", "Budgets",
            note: "LLM spend of each tenant's local day and month against its budget. The bar fills with the spend; the lighter part "
                + "and the dark tick are the projection to the period's end; the dashed marks are the warning and critical thresholds, "
                + "the solid mark the budget.",
            [cards.isEmpty ? .p(.raw("No tenants yet.")) : .div(.class("cards"), .group(cards))])
    }

    /// A threshold as a percentage of the budget, every digit kept.
    static func fraction(_ value: Decimal6) -> String {
        ExactDecimal.format(Int128(value.millionths), scale: 4, minFractionDigits: 0) + " %"
    }

    /// The month's cost per UTC day: the top tenants, the rest summed, as a chart and a table.
    var dailySection: Body {
        var perTenant: [String: Money] = [:]
        for entry in input.dailySpend { perTenant[entry.tenantID, default: .zero] = perTenant[entry.tenantID, default: .zero] + entry.cost }
        let ranked = perTenant.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let top = Array(ranked.prefix(Self.topTenants))
        let others = Set(ranked.dropFirst(Self.topTenants))
        var series = top.map { SVGDailyChart.Series(name: $0, days: [:]) }
        if !others.isEmpty { series.append(SVGDailyChart.Series(name: "\(others.count) other tenants", days: [:])) }
        let index = Dictionary(uniqueKeysWithValues: top.enumerated().map { ($1, $0) })
        for entry in input.dailySpend {
            let at = index[entry.tenantID] ?? top.count
            let day = entry.day.components.day
            series[at].days[day] = (series[at].days[day] ?? .zero) + entry.cost
        }
        guard !series.isEmpty else {
            return Self.section("daily", "Daily spend, \(monthKey)", [.p(.raw("No spend this month yet."))])
        }
        let lastDay = input.asOf.utcDate.components.day
        let keys = top + (others.isEmpty ? [] : ["(other)"])
        let legend: [Node<HTML.ListContext>] = series.enumerated().map { number, entry in
            .li(.span(.class("swatch series-\(number)")), number < top.count ? Self.value(entry.name) : .raw(HTMLEscaping.escape(entry.name)))
        }
        let columns =
            [Column("Day")]
            + series.enumerated().map { number, entry in
                Column(heading: number < top.count ? Self.value(entry.name) : .raw(HTMLEscaping.escape(entry.name)), numeric: true)
            } + [Column.number("All tenants")]
        let rows: [Row] = (1...max(1, lastDay)).map { day in
            let date = CivilDate(daysSinceEpoch: input.asOf.utcDate.firstOfMonth.daysSinceEpoch + day - 1).description
            let total = series.reduce(Money.zero) { $0 + ($1.days[day] ?? .zero) }
            return Row(
                cells: [.raw(date)]
                    + zip(keys, series).map { key, entry in Self.figure((entry.days[day] ?? .zero).description, of: ["daily", key, date]) }
                    + [Self.figure(total.description, of: ["daily", "(total)", date])])
        }
        return Self.section(
            "daily", "Daily spend, \(monthKey)",
            note: "LLM and external API cost per UTC day, USD: the \(top.count) tenants that spent most this month"
                + (others.isEmpty ? "." : ", and the others summed."),
            [
                .element(named: "figure", nodes: [.class("chart"), SVGDailyChart(series: series, lastDay: lastDay, monthName: monthKey).node]),
                .ul(.class("legend"), .group(legend)),
                Self.table("daily", columns, rows),
            ])
    }

    /// The month's cost by provider and model, and by operation: the top rows, the rest summed.
    var costsSection: Body {
        let month = monthRows
        let models = Self.grouped(
            month.filter { $0.text("kind") == "llm" }, by: { [$0.text("provider"), $0.text("model")] },
            counts: ["requests", "input_tokens", "output_tokens", "cached_tokens", "estimated_requests"], cost: "cost_usd", top: Self.topModels)
        func share(_ group: Group) -> String {
            let input = group.counts["input_tokens"] ?? 0
            guard input > 0 else { return "–" }
            let millionths = divideRoundingHalfToEven(Int128(group.counts["cached_tokens"] ?? 0) * 1_000_000, Int128(input))
            return ExactDecimal.format(millionths, scale: 4, minFractionDigits: 0) + " %"
        }
        func modelRow(_ group: Group, rest: Bool) -> Row {
            let key = rest ? ["(other)", "(other)"] : group.key
            func figure(_ column: String) -> Body { Self.figure(String(group.counts[column] ?? 0), of: ["models"] + key + [column]) }
            return Row(
                cells:
                    (rest ? [.raw("\(group.merged) other models"), .raw("")] : [Self.value(group.key[0]), Self.value(group.key[1])])
                    + ["requests", "input_tokens", "output_tokens", "cached_tokens"].map(figure)
                    + [.raw(share(group)), Self.figure(group.cost.description, of: ["models"] + key + ["cost_usd"]), figure("estimated_requests")],
                kind: rest ? "rest" : "")
        }
        let operations = Self.grouped(
            month, by: { [$0.text("kind"), $0.text("operation")] },
            counts: ["requests", "input_tokens", "output_tokens", "units", "estimated_requests"], cost: "cost_usd", top: Self.topOperations)
        func operationRow(_ group: Group, rest: Bool) -> Row {
            let key = rest ? ["(other)", "(other)"] : group.key
            func figure(_ column: String) -> Body { Self.figure(String(group.counts[column] ?? 0), of: ["operations"] + key + [column]) }
            return Row(
                cells: [rest ? .raw("") : Self.value(group.key[0]), rest ? .raw("\(group.merged) other operations") : Self.value(group.key[1])]
                    + ["requests", "input_tokens", "output_tokens", "units"].map(figure)
                    + [Self.figure(group.cost.description, of: ["operations"] + key + ["cost_usd"]), figure("estimated_requests")],
                kind: rest ? "rest" : "")
        }
        return Self.section(
            "costs", "Cost by model and operation, \(monthKey)",
            note: "The cost summary's month rows: LLM usage by provider and model, then all usage by operation; the largest first, "
                + "the rest summed. The cache-read share is cached over input tokens.",
            [
                .h3(.raw("By provider and model")),
                Self.table(
                    "models",
                    [
                        Column("Provider"), Column("Model"), .number("Requests"), .number("Input tokens"), .number("Output tokens"),
                        .number("Cached tokens"), .number("Cache-read share"), .number("Cost, USD"), .number("Estimated"),
                    ],
                    models.top.map { modelRow($0, rest: false) } + (models.rest.map { [modelRow($0, rest: true)] } ?? [])),
                .h3(.raw("By operation")),
                Self.table(
                    "operations",
                    [
                        Column("Kind"), Column("Operation"), .number("Requests"), .number("Input tokens"), .number("Output tokens"),
                        .number("Units"), .number("Cost, USD"), .number("Estimated"),
                    ],
                    operations.top.map { operationRow($0, rest: false) } + (operations.rest.map { [operationRow($0, rest: true)] } ?? [])),
            ])
    }

    /// Every quota pool of the external-API file: calls, cost, the free quota's use and the day it ran out.
    var externalAPISection: Body {
        let rows: [Row] = input.externalAPI.namedRows.map { row in
            let (service, operation, tenant) = (row.text("service"), row.text("operation"), row.text("tenant_id"))
            func figure(_ column: String) -> Body { Self.figure(row.text(column), of: ["external-api", service, operation, tenant, column]) }
            let quota = row.count("free_quota")
            let hasQuota = !row.text("free_quota").isEmpty
            let ranOut = input.quotaExhaustion[[service, operation, tenant]]
            var used: [Body] = [figure("quota_used")]
            if hasQuota && quota > 0 {
                let filled = min(Int128(100), Int128(row.count("quota_used")) * 100 / Int128(quota))
                used.append(
                    SVG.element(
                        "svg", ["class": "meter", "viewBox": "0 0 100 8", "preserveAspectRatio": "none", "aria-hidden": "true"],
                        [
                            SVG.element("rect", ["class": "track", "x": "0", "y": "0", "width": "100", "height": "8"]),
                            SVG.element("rect", ["class": ranOut == nil ? "used" : "used out", "x": "0", "y": "0", "width": String(Int64(filled)), "height": "8"]),
                        ]))
            }
            return Row(
                cells: [
                    Self.value(service), Self.value(operation), tenant.isEmpty ? .em(.raw("all tenants")) : Self.value(tenant), figure("calls"),
                    figure("errors"), figure("free_quota"), .group(used), figure("quota_remaining"),
                    .raw(ranOut?.description ?? (hasQuota ? "–" : "")), figure("cost_usd"), figure("unpriced_calls"),
                ],
                kind: ranOut == nil ? "" : "exhausted")
        }
        return Self.section(
            "external-apis", "External APIs, \(monthKey)",
            note: "Every quota pool of the month to date, with or without calls; a tenant-scoped quota has a row per tenant.",
            [
                rows.isEmpty
                    ? .p(.raw("No external API calls or free quotas this month."))
                    : Self.table(
                        "external-api",
                        [
                            Column("Service"), Column("Operation"), Column("Tenant"), .number("Calls"), .number("Errors"), .number("Free quota"),
                            .number("Used"), .number("Remaining"), .number("Ran out on"), .number("Cost, USD"), .number("Unpriced"),
                        ], rows)
            ])
    }

    /// The optimiser's recommendations, largest saving first, and their sum.
    var recommendationsSection: Body {
        let rows: [Row] = input.recommendations.namedRows.map { row in
            let id = row.text("id")
            return Row(cells: [
                .span(.class("priority priority-" + HTMLEscaping.escape(row.text("priority"))), .raw(HTMLEscaping.escape(row.text("priority")))),
                Self.value(row.text("tenant_id")),
                Self.value(row.text("category").replacingOccurrences(of: "_", with: " ")),
                .div(
                    .strong(Self.value(row.text("title"))), .p(.class("detail"), Self.value(row.text("description"))),
                    .p(.class("detail how"), Self.value(row.text("implementation")))),
                Self.figure(row.text("estimated_monthly_savings_usd"), of: ["recommendations", id, "estimated_monthly_savings_usd"]),
            ])
        }
        return Self.section(
            "recommendations", "Recommendations",
            note: "The optimiser's findings from each tenant's own events, re-priced with the price tables, scaled to 30 days.",
            [
                rows.isEmpty
                    ? .p(.raw("No recommendation saves more than the floor."))
                    : Self.table(
                        "recommendations",
                        [Column("Priority"), Column("Tenant"), Column("Category"), Column("Recommendation"), .number("Saves a month, USD")], rows)
            ])
    }

    /// Estimated and unknown-model events, reconciliation differences, late events and corrections.
    var attentionSection: Body {
        var parts: [Body] = []
        let estimated = monthRows.filter { $0.count("estimated_requests") > 0 }
        if !estimated.isEmpty {
            let groups = Self.grouped(
                estimated, by: { [$0.text("tenant_id"), $0.text("provider"), $0.text("model")] }, counts: ["estimated_requests", "requests"],
                cost: "cost_usd", top: Int.max
            ).top
            parts.append(.h3(.raw("Estimated events: priced by a fallback row")))
            parts.append(
                Self.table(
                    "estimated",
                    [Column("Tenant"), Column("Provider"), Column("Model"), .number("Estimated"), .number("Requests"), .number("Cost, USD")],
                    groups.map { group in
                        let key = ["estimated"] + group.key
                        return Row(
                            cells: group.key.map(Self.value) + [
                                Self.figure(String(group.counts["estimated_requests"] ?? 0), of: key + ["estimated_requests"]),
                                Self.figure(String(group.counts["requests"] ?? 0), of: key + ["requests"]),
                                Self.figure(group.cost.description, of: key + ["cost_usd"]),
                            ])
                    }))
        }
        if !input.unknownModels.isEmpty {
            parts.append(.h3(.raw("Unknown models: no price row names them")))
            parts.append(
                Self.table(
                    "unknown-models", [Column("Provider"), Column("Model"), .number("Events")],
                    input.unknownModels.map { entry in
                        Row(cells: [
                            Self.value(entry.provider), Self.value(entry.model),
                            Self.figure(String(entry.events), of: ["unknown-models", entry.provider, entry.model, "events"]),
                        ])
                    }))
        }
        let differences = input.reconciliation.namedRows.filter { $0.money("difference_usd") != .zero }
        if !differences.isEmpty {
            parts.append(.h3(.raw("Reconciliation: the ledger's cost against the provider's")))
            parts.append(
                Self.table(
                    "reconciliation",
                    [
                        Column("Tenant"), Column("Provider"), Column("Model"), .number("Events"), .number("Cost, USD"),
                        .number("Provider cost, USD"), .number("Difference, USD"), .number("Ratio"),
                    ],
                    differences.map { row in
                        let key = ["reconciliation", row.text("tenant_id"), row.text("provider"), row.text("model")]
                        return Row(
                            cells: [Self.value(row.text("tenant_id")), Self.value(row.text("provider")), Self.value(row.text("model"))]
                                + ["events", "cost_usd", "provider_cost_usd", "difference_usd", "ratio"].map { Self.figure(row.text($0), of: key + [$0]) })
                    }))
        }
        let late = input.lateEventsAndCorrections
        for (name, title, table) in [("late-events", "Late events", late.lateEvents), ("corrections", "Corrections", late.corrections)] {
            guard let table, !table.rows.isEmpty else { continue }
            parts.append(.h3(.raw(title)))
            parts.append(Self.listing(name, table))
        }
        if parts.isEmpty { parts.append(.p(.raw("Nothing needs attention: no estimated or unknown-model events and no reconciliation differences."))) }
        return Self.section("attention", "Needs attention, \(monthKey)", parts)
    }

    /// Every row and column of `table`, numbers right-aligned: for tables the page shows as they are.
    static func listing(_ name: String, _ table: ReportTable) -> Body {
        let numeric = table.columns.indices.map { index in
            table.rows.contains { row in
                switch row[index] {
                case .count, .money, .ratio: true
                case .text, .empty: false
                }
            }
        }
        return Self.table(
            name, zip(table.columns, numeric).map { Column($0, numeric: $1) },
            table.rows.map { row in
                Row(cells: zip(table.columns, zip(row, numeric)).map { column, entry in
                    entry.1 ? Self.figure(entry.0.csv, of: [name, row.first?.csv ?? "", column]) : Self.value(entry.0.csv)
                })
            })
    }

    /// Where the figures come from.
    var footer: Body {
        let date = input.asOf.utcDate.description
        let late = input.lateEventsAndCorrections
        let shown = [("late-events", late.lateEvents), ("corrections", late.corrections)].filter { !($0.1?.rows.isEmpty ?? true) }.map(\.0)
        let files = (["cost-summary", "budgets", "external-api", "recommendations", "reconciliation"] + shown).map { "\($0)-\(date).csv" }
        return .footer(
            .p(
                .raw(
                    HTMLEscaping.escape(
                        "A view of \(files.joined(separator: ", ")) of the same run, with their digits: amounts in USD with 9 decimals, "
                            + "ratios as percentages. Ledger head: sequence \(input.head.sequence), hash \(input.head.hash)."))))
    }
}
