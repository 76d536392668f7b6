import CostLedger
import Foundation
import Pricing
import Reports
import TestSupport
import Testing

/// Contract 15.1: `report-DATE.html` is a view of the same run's files, with their digits.
@Suite("report-DATE.html")
struct ReportPageTests {
    /// The ledgers the page is compared on: the samples (400 events, four tenants, quotas) and
    /// section 11's fixture (estimated and unknown-model events, provider-reported costs).
    enum Fixture: String, CaseIterable, CustomStringConvertible {
        case samples, section11
        var events: String { self == .samples ? Repository.root + "/samples/events.ndjson" : Repository.root + "/Tests/Fixtures/ledger-v3.ndjson" }
        var pricing: String { self == .samples ? Repository.pricing : Repository.root + "/Tests/Fixtures/ledger-v3-pricing" }
        var description: String { rawValue }
    }

    static let asOf = "2026-11-21T06:00:00Z"

    /// Ingests `fixture` into a ledger of `kind` and runs `report` twice; the files of the first run, by name.
    static func report(_ kind: StoreKind, _ fixture: Fixture) throws -> [String: String] {
        let ledger = try TestLedger(kind)
        defer { ledger.remove() }
        let common = ["--db", ledger.dbArgument, "--pricing", fixture.pricing, "--tenants", Repository.root + "/config/tenants.csv"]
        let ingest = try runCostLedger(["ingest"] + common + [fixture.events])
        #expect(ingest.exitCode == 0, "\(ingest.stderr)")
        var runs: [[String: String]] = []
        for name in ["first", "second"] {
            let out = ledger.directory.file(name)
            let result = try runCostLedger(["report"] + common + ["--as-of", asOf, "--out", out])
            #expect(result.exitCode == 0, "\(result.stderr)")
            var files: [String: String] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: out) {
                files[file] = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            }
            runs.append(files)
        }
        // Byte-identical on rerun, the page included.
        #expect(runs[0] == runs[1])
        return runs[0]
    }

    @Test("every figure on the page is the CSV files' figure of the same run", arguments: StoreKind.available, Fixture.allCases)
    func figuresEqualCSV(_ kind: StoreKind, _ fixture: Fixture) throws {
        let files = try Self.report(kind, fixture)
        let html = try #require(files["report-2026-11-21.html"])
        var page = try PageFigures(html)
        let csv = { (name: String) throws -> [[String: String]] in try CSV.records(#require(files["\(name)-2026-11-21.csv"])) }

        // Budgets, external APIs, recommendations and reconciliation differences: cell for cell.
        let budgets = try csv("budgets")
        #expect(!budgets.isEmpty)
        for row in budgets {
            for column in [
                "day_spend_usd", "daily_budget_usd", "daily_utilization", "daily_remaining_usd", "projected_day_usd", "month_spend_usd",
                "monthly_budget_usd", "monthly_utilization", "monthly_remaining_usd", "projected_month_usd", "external_api_month_spend_usd",
                "conversations_over_limit",
            ] {
                #expect(page.take(["budgets", row["tenant_id"]!, column]) == row[column], "budgets \(row["tenant_id"]!) \(column)")
            }
        }
        for row in try csv("external-api") {
            let key = ["external-api", row["service"]!, row["operation"]!, row["tenant_id"]!]
            for column in ["calls", "errors", "free_quota", "quota_used", "quota_remaining", "cost_usd", "unpriced_calls"] {
                #expect(page.take(key + [column]) == row[column], "\(key) \(column)")
            }
        }
        let recommendations = try csv("recommendations")
        for row in recommendations {
            #expect(page.take(["recommendations", row["id"]!, "estimated_monthly_savings_usd"]) == row["estimated_monthly_savings_usd"])
        }
        for row in try csv("reconciliation") where row["difference_usd"] != "0.000000000" {
            let key = ["reconciliation", row["tenant_id"]!, row["provider"]!, row["model"]!]
            for column in ["events", "cost_usd", "provider_cost_usd", "difference_usd", "ratio"] {
                #expect(page.take(key + [column]) == row[column], "\(key) \(column)")
            }
        }

        // The month's cost summary rows, grouped as the page groups them: the top rows, the rest summed.
        let month = try csv("cost-summary").filter { $0["period"] == "2026-11" }
        let day = try csv("cost-summary").filter { $0["period"] == "2026-11-20" }
        #expect(page.take(["total", "2026-11", "cost_usd"]) == Self.usd(month.map { Self.nanos($0["cost_usd"]!) }.reduce(0, +)))
        #expect(page.take(["total", "2026-11-20", "cost_usd"]) == Self.usd(day.map { Self.nanos($0["cost_usd"]!) }.reduce(0, +)))
        #expect(
            page.take(["total", "recommendations", "estimated_monthly_savings_usd"])
                == Self.usd(recommendations.map { Self.nanos($0["estimated_monthly_savings_usd"]!) }.reduce(0, +)))
        #expect(
            page.take(["total", "budgets", "flagged"])
                == String(budgets.filter { $0["daily_status"] != "ok" || $0["monthly_status"] != "ok" }.count))
        let modelCounts = ["requests", "input_tokens", "output_tokens", "cached_tokens", "estimated_requests"]
        for (key, sums) in Self.topAndRest(month.filter { $0["kind"] == "llm" }, by: ["provider", "model"], counts: modelCounts, top: 10) {
            for (column, value) in sums { #expect(page.take(["models"] + key + [column]) == value, "models \(key) \(column)") }
        }
        let operationCounts = ["requests", "input_tokens", "output_tokens", "units", "estimated_requests"]
        for (key, sums) in Self.topAndRest(month, by: ["kind", "operation"], counts: operationCounts, top: 10) {
            for (column, value) in sums { #expect(page.take(["operations"] + key + [column]) == value, "operations \(key) \(column)") }
        }
        let estimated = month.filter { $0["estimated_requests"] != "0" }
        for (key, sums) in Self.topAndRest(estimated, by: ["tenant_id", "provider", "model"], counts: ["estimated_requests", "requests"], top: .max) {
            for (column, value) in sums { #expect(page.take(["estimated"] + key + [column]) == value, "estimated \(key) \(column)") }
        }

        // The daily chart's table: each tenant's days add up to its month in the cost summary.
        var monthByTenant: [String: Int64] = [:]
        for row in month { monthByTenant[row["tenant_id"]!, default: 0] += Self.nanos(row["cost_usd"]!) }
        let daily = page.takeAll(prefix: "daily")
        var dailyByTenant: [String: Int64] = [:]
        for (key, value) in daily { dailyByTenant[key[1], default: 0] += Self.nanos(value) }
        let top = monthByTenant.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(\.key)
        for tenant in top { #expect(dailyByTenant[tenant] == monthByTenant[tenant], "daily \(tenant)") }
        let others = monthByTenant.filter { !top.contains($0.key) }.values.reduce(0, +)
        #expect(dailyByTenant["(other)"] ?? 0 == others)
        #expect(dailyByTenant["(total)"] == monthByTenant.values.reduce(0, +))
        #expect(Set(dailyByTenant.keys).subtracting(top + ["(other)", "(total)"]).isEmpty)
        // 21 days (1 to 21 November) for each column.
        #expect(daily.count == 21 * (top.count + (others > 0 ? 2 : 1)))

        // Unknown models: the section 11 fixture has two (gpt-new twice, mistral-big once).
        if fixture == .section11 {
            #expect(page.take(["unknown-models", "openai", "gpt-new", "events"]) == "2")
            #expect(page.take(["unknown-models", "mistral", "mistral-big", "events"]) == "1")
        }
        // Every figure on the page was compared.
        #expect(page.figures.isEmpty, "figures not compared: \(page.figures.keys.sorted { $0.joined() < $1.joined() })")

        // Self-contained: no script, nothing fetched.
        for forbidden in ["<script", "http://", "https://", "src=", "url(", "@import"] {
            #expect(!html.lowercased().contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("<svg class=\"daily\""))
        #expect(html.contains("@media print{@page{size:A4"))
    }

    /// The month rows merged by `columns`, the largest cost first, the first `top` and the rest
    /// summed under `(other)`: each group's counts and cost as the page prints them.
    static func topAndRest(_ rows: [[String: String]], by columns: [String], counts: [String], top: Int) -> [([String], [String: String])] {
        var groups: [[String]: [String: Int64]] = [:]
        for row in rows {
            let key = columns.map { row[$0]! }
            for column in counts { groups[key, default: [:]][column, default: 0] += Int64(row[column]!)! }
            groups[key, default: [:]]["cost_usd", default: 0] += nanos(row["cost_usd"]!)
        }
        let sorted = groups.sorted {
            $0.value["cost_usd"]! != $1.value["cost_usd"]! ? $0.value["cost_usd"]! > $1.value["cost_usd"]! : $0.key.lexicographicallyPrecedes($1.key)
        }
        func printed(_ sums: [String: Int64]) -> [String: String] {
            sums.mapValues(String.init).merging(["cost_usd": usd(sums["cost_usd"]!)]) { $1 }
        }
        var result = sorted.prefix(top).map { ($0.key, printed($0.value)) }
        if sorted.count > top {
            var rest: [String: Int64] = [:]
            for (_, sums) in sorted.dropFirst(top) { rest.merge(sums, uniquingKeysWith: +) }
            result.append((columns.map { _ in "(other)" }, printed(rest)))
        }
        return result
    }

    /// A 9-decimal USD string as nano-USD, exactly.
    static func nanos(_ usd: String) -> Int64 {
        let negative = usd.hasPrefix("-")
        let parts = usd.drop { $0 == "-" }.split(separator: ".")
        let value = Int64(parts[0])! * 1_000_000_000 + Int64(parts[1])!
        return negative ? -value : value
    }

    static func usd(_ nanos: Int64) -> String { Money(nanos: nanos).description }

    @Test("hostile tenant ids, model names and texts come out escaped and isolated")
    func hostileValues() throws {
        // Given tables whose data is markup, quotes, an entity and bidi controls
        let script = "<script>alert(1)</script>"
        let quotes = "\"quotes'"
        let entity = "&amp;"
        let bidi = "evil\u{202E}gnp.exe\u{2066}x"
        let asOf = Timestamp(rfc3339: "2026-11-21T06:00:00Z")!
        var summary = ReportTable(columns: [
            "period", "tenant_id", "kind", "provider", "model", "service", "operation", "requests", "input_tokens", "output_tokens",
            "cached_tokens", "cache_write_tokens", "units", "cost_usd", "estimated_requests",
        ])
        summary.rows = [
            [.text("2026-11"), .text(script), .text("llm"), .text(entity), .text(quotes), .text(""), .text(bidi), .count(1), .count(10),
             .count(5), .count(0), .count(0), .count(0), .money(Money(nanos: 1_500)), .count(1)]
        ]
        var budgets = ReportTable(columns: ReportSnapshot.budgetColumns)
        budgets.rows = [
            [.text(script), .text(bidi), .money(Money(nanos: 1_500)), .money(Money(nanos: 100_000_000_000)), .ratio(Ratio(millionths: 0)),
             .money(Money(nanos: 99_999_998_500)), .money(Money(nanos: 3_000)), .text("ok"), .money(Money(nanos: 1_500)),
             .money(Money(nanos: 2_000_000_000_000)), .ratio(Ratio(millionths: 0)), .money(Money(nanos: 1_999_999_998_500)),
             .money(Money(nanos: 45_000)), .text("ok"), .money(.zero), .count(0)]
        ]
        var recommendations = ReportTable(columns: ReportSnapshot.recommendationColumns)
        recommendations.rows = [
            [.text("rec-1"), .text(quotes), .text("model_selection"), .text("low"), .text(script), .text(bidi),
             .money(Money(nanos: 2_000_000_000)), .text(entity), .text(""), .text("")]
        ]
        let input = ReportPage.Input(
            asOf: asOf, head: .empty, costSummary: summary, budgets: budgets, thresholds: [:], recommendations: recommendations,
            externalAPI: ReportTable(columns: []), quotaExhaustion: [:], reconciliation: ReportTable(columns: ReportSnapshot.reconciliationColumns),
            dailySpend: [ReportSnapshot.TenantDaySpend(day: CivilDate(iso: "2026-11-20")!, tenantID: script, cost: Money(nanos: 1_500))],
            unknownModels: [ReportPage.ModelEvents(provider: entity, model: quotes, events: 1)])

        // When the page is written
        let html = ReportPage(input).html

        // Then no value is markup, no attribute is broken out of, and no control character is left raw
        #expect(!html.contains("<script"))
        #expect(!html.contains("alert(1)</"))
        #expect(html.contains("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"))
        #expect(html.contains("<bdi>&quot;quotes&#39;</bdi>"))
        #expect(html.contains("<bdi>&amp;amp;</bdi>"))
        #expect(html.contains("<bdi>evil&#x202E;gnp.exe&#x2066;x</bdi>"))
        #expect(!html.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) })
        #expect(!html.contains("\"quotes'"))
        // The figures' keys, in attributes, are escaped the same way.
        #expect(html.contains("data-of=\"budgets|&lt;script&gt;alert(1)&lt;/script&gt;|day_spend_usd\""))
        #expect(html.contains("data-of=\"unknown-models|&amp;amp;|&quot;quotes&#39;|events\""))
        // And the same input gives the same bytes.
        #expect(ReportPage(input).html == html)
    }
}

/// The page's figures: every `<data value="…" data-of="a|b|c">`, by key; a test takes each one it
/// compares, so what is left was not compared.
struct PageFigures {
    var figures: [[String]: String] = [:]

    init(_ html: String) throws {
        // An empty value is written as a bare `value` attribute.
        let pattern = try NSRegularExpression(pattern: #"<data value(?:="([^"]*)")? data-of="([^"]*)">"#)
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let value = Range(match.range(at: 1), in: html).map { Self.unescape(String(html[$0])) } ?? ""
            let key = Self.unescape(String(html[Range(match.range(at: 2), in: html)!])).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            #expect(figures[key] == nil || figures[key] == value, "\(key) shown as \(figures[key] ?? "") and \(value)")
            figures[key] = value
        }
    }

    mutating func take(_ key: [String]) -> String? { figures.removeValue(forKey: key) }

    mutating func takeAll(prefix: String) -> [([String], String)] {
        let keys = figures.keys.filter { $0.first == prefix }
        return keys.map { ($0, figures.removeValue(forKey: $0)!) }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// RFC 4180 records as dictionaries by the header's names (the report's CSV files).
enum CSV {
    static func records(_ text: String) -> [[String: String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" {
                row.append(field)
                rows.append(row)
                (row, field) = ([], "")
            } else if character != "\r" {
                field.append(character)
            }
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
