import App
import BudgetEngine
import CostLedger
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Optimizer
import Pricing
import ServiceLifecycle
import UnixSignals

/// The HTTP API over the ledger, ready to run: `costledger serve` runs it, the tests use its
/// ``application``.
public struct APIServer: Sendable {
    /// The Hummingbird application (routes, the group-commit writer).
    public let application: Application<RouterResponder<APIRequestContext>>
    /// The blocking pools and open streams, shut down before the application drains.
    let work: BlockingWork
    let logger: Logger

    /// Serves until SIGTERM or SIGINT: then open exports are aborted, in-flight requests finish,
    /// queued events are committed, and it returns.
    public func run() async throws {
        // Services stop in reverse order: `work` first, so no stalled export keeps the server draining.
        let group = ServiceGroup(
            configuration: .init(services: [application, work], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Builds the HTTP API over the ledger.
///
/// - Throws: an error naming the file when the pricing, tenants or tokens file is unusable.
public func buildServer(_ configuration: ServerConfiguration, logger: Logger) async throws -> APIServer {
    let prices = try PriceTable(directory: configuration.pricingDirectory)
    let tenants = try TenantDirectory(contentsOf: configuration.tenantsPath)
    let tokens = try TokenRegistry(contentsOf: configuration.tokensPath, requireToken: true)
    let downgrades = try DowngradeMap(contentsOf: configuration.pricingDirectory + "/recommend.csv")
    let store = try await configuration.location.openWriter()
    let ledger = Ledger(store: store, prices: prices, unknownModels: configuration.unknownModels)
    let app = LedgerApp(location: configuration.location)
    let metrics = ServerMetrics()
    let writer = GroupCommitWriter(ledger: ledger, metrics: metrics, maxQueuedEvents: configuration.maxQueuedEvents)
    let work = BlockingWork(readThreads: configuration.readThreads, exportThreads: configuration.exportThreads)

    var routes = RouteTable()
    let events = EventsRoute(tokens: tokens, writer: writer, pricer: ledger.pricer, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes)
    routes.add(.post, "/v1/events") { try await events.handle($0, context: $1) }
    let traces = TracesRoute(tokens: tokens, writer: writer, pricer: ledger.pricer, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes)
    routes.add(.post, "/v1/traces") { try await traces.handle($0, context: $1) }
    let reads = ReadRoutes(
        tokens: tokens, pool: work.reads, app: app, prices: prices, tenants: tenants, downgrades: downgrades)
    routes.add(.get, "/v1/tenants/:tenant/costs") { try await reads.costs($0, context: $1) }
    routes.add(.get, "/v1/budgets") { try await reads.budgets($0, context: $1) }
    routes.add(.get, "/v1/recommendations") { try await reads.recommendations($0, context: $1) }
    let export = ExportRoute(
        tokens: tokens, app: app, prices: prices, work: work,
        stallTimeout: TimeInterval(configuration.limits.bodyTimeout.components.seconds))
    routes.add(.get, "/v1/exports/costs.csv") { try await export.handle($0, context: $1) }
    routes.add(.get, "/health/live") { _, _ in Response.json(Array(#"{"status":"alive"}"#.utf8)) }
    routes.add(.get, "/health/ready") { _, _ in
        guard writer.isHealthy, await store.isWritable() else {
            throw APIError(status: .serviceUnavailable, code: "not_ready", message: "the ledger cannot be written")
        }
        return Response.json(Array(#"{"status":"ready"}"#.utf8))
    }
    routes.add(.get, "/metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }

    let router = Router(context: APIRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestCounterMiddleware(metrics: metrics, routes: routes))
    router.add(middleware: ErrorAnswerMiddleware(routes: routes))
    // Every request at debug (`--log-level debug`); errors are logged at their own level with the request id.
    router.add(middleware: LogRequestsMiddleware(.debug))
    routes.register(on: router)

    let (limits, maxBodyBytes) = (configuration.limits, configuration.maxBodyBytes)
    let application = Application(
        router: router,
        server: HTTPServerBuilder { responder in LimitedHTTP1Channel(responder: responder, limits: limits, maxBodyBytes: maxBodyBytes) },
        // A deep accept backlog, so a burst of connections waits in the kernel instead of retrying.
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "costledger",
            backlog: min(configuration.limits.maxConnections, 4_096)),
        services: [writer], logger: logger)
    return APIServer(application: application, work: work, logger: logger)
}
