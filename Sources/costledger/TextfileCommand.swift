import ArgumentParser
import Reports

struct TextfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textfile",
        abstract: "Write only the Prometheus textfile (for node-exporter's textfile collector).",
        discussion: "Written to a temporary file in the same directory and renamed, so the collector never reads half a file."
    )

    @OptionGroup var options: LedgerOptions
    @OptionGroup var time: AsOfOption

    @Option(help: "The .prom file to write, e.g. /var/lib/node_exporter/textfile_collector/costledger.prom.")
    var out: String

    @Option(name: .customLong("metric-prefix"), help: "The prefix of every metric name.")
    var metricPrefix = "cerniq_etapa3_"

    func run() async throws {
        let snapshot = try await options.snapshot(asOf: try time.instant())
        try writeAtomically(Array(snapshot.prometheusTextfile(prefix: metricPrefix).utf8), to: out)
    }
}
