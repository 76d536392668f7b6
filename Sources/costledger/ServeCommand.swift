import ArgumentParser
import CostLedger
import Foundation
import Logging
import Server

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API: workers POST events, finance reads costs, budgets, recommendations and exports.",
        discussion: """
            Every /v1 route needs 'Authorization: Bearer TOKEN' (see 'costledger token add'). POST /v1/events \
            answers only after its events are committed (WAL, synchronous=FULL); concurrent requests share \
            one transaction (group commit). A request carries at most 100,000 events and 8 MiB. \
            POST /v1/traces takes OpenTelemetry trace exports (OTLP/HTTP, protobuf or JSON, gzip allowed, \
            8 MiB after decompression): each span with gen_ai.usage.* counts is one event, the same way. \
            Slow or stalled clients cost only their own connection: headers must arrive within \
            --header-timeout, a body may pause at most --body-timeout (an export whose client reads \
            nothing for that long is abandoned), an idle keep-alive connection is closed after \
            --idle-timeout, and connections beyond --max-connections are answered 503 at once. \
            SIGTERM or SIGINT aborts open exports, stops accepting requests, commits what is queued, \
            then exits. Logs go to standard error without secrets.
            """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The address to listen on. Keep the loopback default unless a proxy terminates TLS in front.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (1-65535).")
    var port = 8080

    @Option(help: "The tokens file: token_sha256,name,role,tenants.")
    var tokens = "config/tokens.csv"

    @Option(name: .customLong("max-queued-events"), help: "Events waiting for the writer above which POSTs get 503.")
    var maxQueuedEvents = 200_000

    @Option(name: .customLong("header-timeout"), help: "Seconds a request's headers may take to arrive.")
    var headerTimeout = 10

    @Option(name: .customLong("body-timeout"), help: "Seconds a request body may pause, or an export's client may read nothing.")
    var bodyTimeout = 30

    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection is kept.")
    var idleTimeout = 60

    @Option(name: .customLong("max-connections"), help: "Connections held at once; more are answered 503 and closed.")
    var maxConnections = 4_096

    @Option(
        name: .customLong("unknown-models"),
        help: "estimate: price an LLM event no price row knows by the fallback row, marked estimated; reject: answer it as unknown_model unless it carries provider_cost_usd.")
    var unknownModels: UnknownModelPolicy = .estimate

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical; debug logs every request.")
    var logLevel = "info"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical") }
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, not \(port)") }
        guard maxQueuedEvents >= 1 else { throw ValidationError("--max-queued-events must be at least 1") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)] {
            guard (1...86_400).contains(seconds) else { throw ValidationError("\(name) must be between 1 and 86400 seconds, not \(seconds)") }
        }
    }

    func run() async throws {
        await (try await options.openStore(create: true)).close()
        // Checked here too, so a missing default tenants file gets its note on stderr.
        _ = try options.loadTenants()
        var configuration = ServerConfiguration(
            location: try options.location(), pricingDirectory: options.pricing, tenantsPath: options.tenants, tokensPath: tokens)
        configuration.host = host
        configuration.port = port
        configuration.maxQueuedEvents = maxQueuedEvents
        configuration.unknownModels = unknownModels
        configuration.limits.headerTimeout = .seconds(headerTimeout)
        configuration.limits.bodyTimeout = .seconds(bodyTimeout)
        configuration.limits.idleTimeout = .seconds(idleTimeout)
        configuration.limits.maxConnections = maxConnections
        var logger = Logger(label: "costledger")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        if !Self.isLoopback(host) {
            logger.warning("listening on \(host), not a loopback address: the API is plaintext HTTP; put a proxy that terminates TLS in front")
        }
        Self.raiseOpenFileLimit(toHold: maxConnections, logger: logger)
        let server: APIServer
        do {
            server = try await buildServer(configuration, logger: logger)
        } catch {
            throw CLIError.usage("\(error)")
        }
        try await server.run()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Raises the soft limit on open files towards the hard one, so `--max-connections` sockets
    /// (plus the ledger's files) fit; warns when they cannot.
    static func raiseOpenFileLimit(toHold connections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(connections + 256)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        if limit.rlim_cur < wanted {
            logger.warning("the open-file limit is \(limit.rlim_cur): fewer than --max-connections \(connections) connections can be held")
        }
    }
}
