import ArgumentParser
import Hummingbird
import Logging
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API: workers POST events, finance reads costs, budgets, recommendations and exports.",
        discussion: """
            Every /v1 route needs 'Authorization: Bearer TOKEN' (see 'costledger token add'). POST /v1/events \
            answers only after its events are committed (WAL, synchronous=FULL); concurrent requests share \
            one transaction (group commit). SIGTERM or SIGINT stops accepting requests, commits what is \
            queued, then exits. Logs go to standard error without secrets.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The address to listen on. Keep the loopback default unless a proxy terminates TLS in front.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "The tokens file: token_sha256,name,role,tenants.")
    var tokens = "config/tokens.csv"

    @Option(name: .customLong("max-queued-events"), help: "Events waiting for the writer above which POSTs get 503.")
    var maxQueuedEvents = 200_000

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical; debug logs every request.")
    var logLevel = "info"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical") }
    }

    func run() async throws {
        _ = try options.openStore(create: true)
        var configuration = ServerConfiguration(
            databasePath: options.databasePath, pricingDirectory: options.pricing, tenantsPath: options.tenants, tokensPath: tokens)
        configuration.host = host
        configuration.port = port
        configuration.maxQueuedEvents = maxQueuedEvents
        var logger = Logger(label: "costledger")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let app: any ApplicationProtocol
        do {
            app = try buildApplication(configuration, logger: logger)
        } catch {
            throw CLIError.usage("\(error)")
        }
        try await app.runService()
    }
}
