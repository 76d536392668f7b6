import ArgumentParser
import CostLedger
import Foundation
import Pricing

struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Show the LLM price rows in force for a model, or every key of a provider; 'prices check' lints a pricing directory.",
        usage: """
            costledger prices --provider <provider> [--model <model>] [--at <date>] [--format text|json] [--pricing <dir>]
            costledger prices check [--pricing <dir>]
            costledger prices quote <file> [--quiet] [--pricing <dir>]
            """,
        discussion: """
            With --model: how the id resolved (its exact id, an alias, the first pattern that matches, \
            in the operator's llm.csv or the catalogue, or the provider,* / *,* fallback: estimated), \
            the standard row and each tier row in force at --at with every price the request would \
            pay (an empty price spelled out: '= input 3.0' is a cache read at the input price, \
            '= standard', '= normal' above the long-context threshold, '0 (empty)'), the \
            long-context threshold and prices, deprecated, and the price row as the ledger stores it. \
            Without --model: every key of the provider, one line each. Exit 1 when no row, not even \
            a fallback, prices the model.
            """,
        subcommands: [PricesCheckCommand.self, PricesQuoteCommand.self]
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The provider, e.g. anthropic.") var provider: String?
    @Option(help: "The model id as sent to the provider; without it, every key of the provider.") var model: String?
    @Option(help: "The date whose rows apply (YYYY-MM-DD or RFC 3339; default today, UTC).") var at: String?
    @Option(help: "text or json.") var format = "text"

    func run() throws {
        guard format == "text" || format == "json" else { throw CLIError.usage("--format must be text or json") }
        guard let provider else { throw CLIError.usage("prices needs --provider (or: prices check)") }
        let date = try at.map { try parseInstant($0, option: "--at") }?.utcDate ?? Timestamp.now().utcDate
        let table = try options.loadPrices()
        let view = PricesView(directory: options.pricing, date: date)
        guard let model else {
            let keys = table.models.filter { $0.provider == provider }
            guard !keys.isEmpty else { throw CLIError.problems("no key of provider \(provider) in \(options.pricing)") }
            print(format == "json" ? view.json(keys.map(view.keyObject)) : keys.map(view.keyLine).joined(separator: "\n"))
            return
        }
        guard let explanation = table.explain(provider: provider, model: model, on: date) else {
            throw CLIError.problems("no row prices \(provider)/\(model) on \(date), and no fallback row")
        }
        print(
            format == "json"
                ? view.json(view.object(explanation, provider: provider, model: model)) : view.text(explanation, provider: provider, model: model))
    }
}

struct PricesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Lint a pricing directory: every problem, one line each (FILE:LINE: message).",
        discussion: """
            Reads llm.csv, catalogue/llm.csv (when present) and services.csv of --pricing and reports \
            every problem, not only the first the loader would stop at: a field that is not valid (a \
            price with more than 6 fractional digits or above 1000, a pattern that does not compile, \
            …), two rows of one key and tier from the same date, a tier row with no standard row of \
            its key in force at its date, an id or pattern that two keys of one file claim. Prints \
            'ok N rows' and exits 0 when there is none, else exits 1. An id that the operator's \
            llm.csv takes from a catalogue key it does not hide is the lookup's precedence, not a \
            problem: it is noted on stderr.
            """
    )

    @OptionGroup var options: LedgerOptions

    func run() throws {
        try options.requireGivenPaths()
        let check = PriceTable.check(directory: options.pricing)
        for note in check.overrides { printError("note: \(note)") }
        guard check.problems.isEmpty else {
            print(check.problems.map(\.description).joined(separator: "\n"))
            throw ExitCode(1)
        }
        print("ok \(check.rows) rows")
    }
}

/// Formats keys and rows for `costledger prices`.
private struct PricesView {
    var directory: String
    var date: CivilDate

    func isCatalogue(_ prices: PriceTable.ModelPrices) -> Bool { prices.source == directory + "/" + PriceTable.cataloguePath }

    func file(_ prices: PriceTable.ModelPrices) -> String { prices.source + (isCatalogue(prices) ? " (the catalogue)" : " (the operator's)") }

    // MARK: text

    func keyLine(_ prices: PriceTable.ModelPrices) -> String {
        let head = "\(prices.model) in \(file(prices)): "
        guard let row = prices.standardRow(on: date) else {
            return head + "no row in force on \(date)"
                + (prices.standard.first.map { " (the first is from \($0.effectiveFrom))" } ?? " (no standard row)")
        }
        let tiers = prices.tierRows(on: date).keys.map(\.rawValue).sorted()
        return head + "from \(row.effectiveFrom), input \(row.input), output \(row.output)"
            + (tiers.isEmpty ? "" : ", tiers \(tiers.joined(separator: ","))") + (row.deprecated ? ", deprecated" : "")
            + (row.aliases.isEmpty ? "" : ", aliases \(row.aliases.joined(separator: ";"))")
    }

    func text(_ explanation: PriceTable.Explanation, provider: String, model: String) -> String {
        let key = "\(explanation.prices.provider),\(explanation.prices.model)"
        var how: String
        switch explanation.resolution {
        case .exact: how = "exact id of \(key)"
        case .alias(let alias): how = "alias '\(alias)' of \(key)"
        case .pattern(let pattern): how = "pattern '\(pattern)' of \(key)"
        case .fallback: how = "fallback \(key)"
        }
        how += " in \(file(explanation.prices))"
        if explanation.resolution == .fallback {
            how += ", estimated" + (explanation.notInForce.map { " (\($0.provider),\($0.model) has no row in force on \(date))" } ?? "")
        }
        let standard = explanation.standard
        var lines = [
            "\(provider)/\(model) on \(date)",
            "resolved:       \(how)",
            "estimated:      \(explanation.resolution == .fallback)",
            "deprecated:     \(standard.deprecated)",
            "price row:      \(standard.reference)",
            "standard:       from \(standard.effectiveFrom), batch discount "
                + (standard.batchDiscount == .zero ? "0 (empty)" : "\(standard.batchDiscount)"),
        ]
        lines += priceLines(standard: standard, tier: nil)
        for tier in ServiceTier.allCases where tier != .standard {
            let label = "tier \(tier.rawValue):".padding(toLength: 16, withPad: " ", startingAt: 0)
            guard let row = explanation.tiers[tier] else {
                let fallback =
                    tier != .batch
                    ? "standard prices, estimated"
                    : standard.batchDiscount == .zero ? "standard prices" : "standard prices × (1 - \(standard.batchDiscount))"
                lines.append(label + "none (\(fallback))")
                continue
            }
            lines.append(label + "from \(row.effectiveFrom), stored as \(standard.reference)/\(tier.rawValue)")
            lines += priceLines(standard: standard, tier: row)
        }
        return lines.joined(separator: "\n")
    }

    /// A table of every component: the normal price and, with a threshold, the price above it.
    private func priceLines(standard: LLMPriceRow, tier: LLMPriceRow?) -> [String] {
        let threshold = tier?.longContextThreshold ?? standard.longContextThreshold
        let normal = EffectivePrice.all(standard: standard, tier: tier, long: false)
        let long = threshold.map { _ in EffectivePrice.all(standard: standard, tier: tier, long: true) }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0) }
        var lines = threshold.map { ["  " + pad("", 18) + pad("normal", 24) + "input_tokens > \($0)"] } ?? []
        for (index, price) in normal.enumerated() {
            let cells = [cell(price)] + (long.map { [cell($0[index])] } ?? [])
            lines.append("  " + pad(price.component.column, 18) + (cells.count == 1 ? cells[0] : pad(cells[0], 24) + cells[1]))
        }
        return lines
    }

    private func cell(_ price: EffectivePrice) -> String {
        switch price.origin {
        case .row: return "\(price.price)"
        case .standard: return "= standard \(price.price)"
        case .normal: return "= normal \(price.price)"
        case .fallback(let component): return "= \(component.column) \(price.price)"
        case .empty: return "0 (empty)"
        }
    }

    // MARK: JSON

    func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func keyObject(_ prices: PriceTable.ModelPrices) -> [String: Any] {
        let row = prices.standardRow(on: date)
        return [
            "provider": prices.provider, "model": prices.model, "file": prices.source, "catalogue": isCatalogue(prices),
            "effective_from": row.map { "\($0.effectiveFrom)" } ?? NSNull(), "input": row.map { "\($0.input)" } ?? NSNull(),
            "output": row.map { "\($0.output)" } ?? NSNull(), "deprecated": row?.deprecated ?? false,
            "aliases": row?.aliases ?? [], "tiers": prices.tierRows(on: date).keys.map(\.rawValue).sorted(),
        ]
    }

    func object(_ explanation: PriceTable.Explanation, provider: String, model: String) -> [String: Any] {
        let standard = explanation.standard
        var matched: Any = NSNull()
        let how: String
        switch explanation.resolution {
        case .exact: how = "exact"
        case .alias(let alias): (how, matched) = ("alias", alias)
        case .pattern(let pattern): (how, matched) = ("pattern", pattern)
        case .fallback: how = "fallback"
        }
        var tiers: [String: Any] = [:]
        for tier in ServiceTier.allCases where tier != .standard {
            tiers[tier.rawValue] = explanation.tiers[tier].map { rowObject(standard: standard, tier: $0) } ?? NSNull()
        }
        var standardObject = rowObject(standard: standard, tier: nil)
        standardObject["batch_discount"] = "\(standard.batchDiscount)"
        return [
            "provider": provider, "model": model, "at": "\(date)", "resolution": how, "matched": matched,
            "key": ["provider": explanation.prices.provider, "model": explanation.prices.model], "file": explanation.prices.source,
            "catalogue": isCatalogue(explanation.prices), "estimated": explanation.resolution == .fallback,
            "deprecated": standard.deprecated, "price_row": standard.reference, "standard": standardObject, "tiers": tiers,
            "not_in_force": explanation.notInForce.map { ["provider": $0.provider, "model": $0.model] } ?? NSNull(),
        ]
    }

    private func rowObject(standard: LLMPriceRow, tier: LLMPriceRow?) -> [String: Any] {
        let row = tier ?? standard
        let threshold = tier?.longContextThreshold ?? standard.longContextThreshold
        func prices(long: Bool) -> [String: Any] {
            Dictionary(
                uniqueKeysWithValues: EffectivePrice.all(standard: standard, tier: tier, long: long).map { price in
                    (price.component.column, ["usd": "\(price.price)", "from": origin(price.origin)])
                })
        }
        return [
            "effective_from": "\(row.effectiveFrom)",
            "price_row": tier.map { "\(standard.reference)/\($0.serviceTier?.rawValue ?? "")" } ?? standard.reference,
            "prices": prices(long: false), "long_context_threshold": threshold.map { Int($0) } ?? NSNull(),
            "long_prices": threshold == nil ? NSNull() : prices(long: true),
        ]
    }

    private func origin(_ origin: EffectivePrice.Origin) -> String {
        switch origin {
        case .row: return "row"
        case .standard: return "standard"
        case .normal: return "normal"
        case .fallback(let component): return component.column
        case .empty: return "empty"
        }
    }
}
