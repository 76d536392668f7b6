import ArgumentParser
import CostLedger
import Reports

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export line items for finance: one per stored event with from <= timestamp < to.",
        discussion: """
            Rows come in ledger order. csv has the columns sequence, event_id, timestamp, tenant_id, kind,
            worker, operation, conversation_id, provider, model, service, status, input_tokens, output_tokens,
            cached_tokens, cache_write_tokens, batch, units, cost_usd, estimated; json is an array of objects
            with the same keys. The csv export adds up to the ledger to the last nano-USD.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "Start, inclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var from: String

    @Option(help: "End, exclusive: a UTC date YYYY-MM-DD or an RFC 3339 time.")
    var to: String

    @Option(help: "Only this tenant's events.")
    var tenant: String?

    @Option(help: "csv or json.")
    var format: String = "csv"

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    func run() throws {
        guard let exportFormat = LedgerExport.Format(rawValue: format) else {
            throw CLIError.usage("--format must be one of: \(LedgerExport.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let query = RecordQuery(
            from: try parseInstant(from, option: "--from"), to: try parseInstant(to, option: "--to"), tenantID: tenant)
        let store = try options.openStore(create: false)
        let output = try out.map { try OutputFile(atomicPath: $0) } ?? .standardOutput()
        _ = try LedgerExport(query: query, format: exportFormat).write(from: store, to: output)
        try output.commit()
    }
}
