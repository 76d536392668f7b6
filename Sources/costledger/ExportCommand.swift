import App
import ArgumentParser
import CostLedger
import Pricing
import Reports

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export line items for finance: the events with from <= timestamp < to, or those billed in a month.",
        discussion: """
            csv and json have one row per event, in ledger order. csv has the columns sequence, event_id, timestamp, tenant_id, kind, \
            worker, operation, conversation_id, provider, model, service, status, input_tokens, output_tokens, \
            cached_tokens, cache_write_tokens, batch, units, cost_usd, estimated, then service_tier, \
            cache_write_1h_tokens, input_audio_tokens, input_image_tokens, output_audio_tokens, output_image_tokens, \
            reasoning_tokens, web_search_requests, provider_cost_usd, price_row, then billing_month, late, \
            adjusts_sequence, reason; json is an array of objects with the same keys. An adjustment (a price \
            correction appended by costledger reprice) is a row of its own with kind 'adjustment', its event's \
            fields and the difference as cost_usd. The csv export adds up to the ledger to the last nano-USD.

            --billing-month YYYY-MM (instead of --from and --to) exports what is billed in that month: its events \
            that were not late, the late events billed into it and the adjustments recorded into it. The export \
            of a closed month (costledger close) is byte-identical whenever it is taken.

            focus is a FinOps FOCUS Cost and Usage CSV, FOCUS 1.4 unless --focus-version 1.2 asks for \
            the 1.2 file: one row per UTC hour, tenant, SKU and billing \
            (list price, or a free quota with BilledCost 0). A SKU is one priced component: \
            provider/model/input|cached_input|cache_write|output[/batch][/long], or service/operation/call|unit. \
            Its amounts are exact and unrounded, so its BilledCost sum may differ from the ledger by at most \
            half a nano-USD per event. Component prices are re-derived from --pricing, which must be the price \
            table the ledger was priced with (exit 1 otherwise). Errored API calls and unpriced services have \
            no rows.
            """
    )

    /// What `--format` accepts: the line-item formats of ``LedgerExport`` and `focus`.
    static let formats = LedgerExport.Format.allCases.map(\.rawValue) + ["focus"]

    @OptionGroup var options: LedgerOptions

    @Option(help: "Start, inclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var from: String?

    @Option(help: "End, exclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var to: String?

    @Option(help: "Instead of --from and --to: what is billed in this UTC month, YYYY-MM.")
    var billingMonth: String?

    @Option(help: "Only this tenant's events.")
    var tenant: String?

    @Option(help: "csv, json, or focus (FinOps FOCUS, hourly rows per tenant and SKU).")
    var format: String = "csv"

    @Option(help: "With --format focus: the FOCUS version, 1.4 (the default) or 1.2.")
    var focusVersion: String?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    func run() async throws {
        let lineItems = LedgerExport.Format(rawValue: format)
        guard lineItems != nil || format == "focus" else {
            throw CLIError.usage("--format must be one of: \(Self.formats.joined(separator: ", "))")
        }
        let query = try recordQuery()
        let exportFormat: LedgerApp.ExportFormat
        if let lineItems {
            guard focusVersion == nil else { throw CLIError.usage("--focus-version applies only to --format focus") }
            exportFormat = .lineItems(lineItems)
        } else {
            let version = try parseFocusVersion()
            exportFormat = .focus(try options.loadPrices(), version)
        }
        let app = try options.app()
        let output = try out.map { try OutputFile(atomicPath: $0) } ?? .standardOutput()
        do {
            _ = try await app.export(query, format: exportFormat, to: output, parallel: true)
        } catch let error as FocusExportError {
            throw CLIError.problems(error.description)
        }
        try output.commit()
    }

    /// The events `--from`/`--to` or `--billing-month` select.
    private func recordQuery() throws -> RecordQuery {
        if let billingMonth {
            guard from == nil, to == nil else { throw CLIError.usage("--billing-month replaces --from and --to: give one or the other") }
            guard let month = CivilMonth(iso: billingMonth) else { throw CLIError.usage("--billing-month \(billingMonth) is not a month YYYY-MM") }
            return RecordQuery(tenantID: tenant, billingMonth: month)
        }
        guard let from, let to else { throw CLIError.usage("give --from and --to, or --billing-month") }
        let start = try parseInstant(from, option: "--from")
        let end = try parseInstant(to, option: "--to")
        guard start <= end else { throw CLIError.usage("--to \(to) is before --from \(from)") }
        return RecordQuery(from: start, to: end, tenantID: tenant)
    }

    private func parseFocusVersion() throws -> FocusVersion {
        guard let focusVersion else { return .default }
        guard let version = FocusVersion(rawValue: focusVersion) else {
            throw CLIError.usage(
                "--focus-version must be \(FocusVersion.allCases.map(\.rawValue).joined(separator: " or ")), not \(focusVersion)")
        }
        return version
    }
}
