import BudgetEngine
import CostLedger
import Foundation
import Hummingbird
import Logging
import Optimizer
import Pricing

/// Counts every response by route and status for `/metrics`.
struct RequestCounterMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = Self.route(request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.request(route: route, status: Int(response.status.code))
            return response
        } catch {
            metrics.request(route: route, status: Int((error as? any HTTPResponseError)?.status.code ?? 500))
            throw error
        }
    }

    /// The route's pattern, so tenant ids do not explode the label set.
    static func route(_ path: String) -> String {
        if path.hasPrefix("/v1/tenants/") && path.hasSuffix("/costs") { return "/v1/tenants/{tenant}/costs" }
        let known = ["/v1/events", "/v1/budgets", "/v1/recommendations", "/v1/exports/costs.csv", "/health/live", "/health/ready", "/metrics"]
        return known.contains(path) ? path : "other"
    }
}

/// Builds the HTTP API over the ledger; `costledger serve` and the tests both call it.
///
/// - Throws: an error naming the file when the pricing, tenants or tokens file is unusable.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger) throws -> some ApplicationProtocol {
    let prices = try PriceTable(directory: configuration.pricingDirectory)
    let tenants = try TenantDirectory(contentsOf: configuration.tenantsPath)
    let tokens = try TokenRegistry(contentsOf: configuration.tokensPath)
    let downgrades = try DowngradeMap(contentsOf: configuration.pricingDirectory + "/recommend.csv")
    let ledger = Ledger(store: try SQLiteLedgerStore(path: configuration.databasePath), prices: prices)
    let metrics = ServerMetrics()
    let writer = GroupCommitWriter(ledger: ledger, metrics: metrics, maxQueuedEvents: configuration.maxQueuedEvents)

    let router = Router()
    router.add(middleware: RequestCounterMiddleware(metrics: metrics))
    // Every request at debug (`--log-level debug`); errors are logged at their own level with the request id.
    router.add(middleware: LogRequestsMiddleware(.debug))
    let events = EventsRoute(tokens: tokens, writer: writer, pricer: ledger.pricer, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes)
    router.post("/v1/events") { try await events.handle($0, context: $1) }
    let reads = ReadRoutes(tokens: tokens, configuration: configuration, prices: prices, tenants: tenants, downgrades: downgrades)
    router.get("/v1/tenants/:tenant/costs") { try await reads.costs($0, context: $1) }
    router.get("/v1/budgets") { try await reads.budgets($0, context: $1) }
    router.get("/v1/recommendations") { try await reads.recommendations($0, context: $1) }
    let export = ExportRoute(tokens: tokens, databasePath: configuration.databasePath, prices: prices)
    router.get("/v1/exports/costs.csv") { try await export.handle($0, context: $1) }
    router.get("/health/live") { _, _ in Response.json(Array(#"{"status":"alive"}"#.utf8)) }
    let databasePath = configuration.databasePath
    router.get("/health/ready") { _, _ in
        let ready = writer.isHealthy && FileManager.default.isWritableFile(atPath: databasePath)
        return Response.json(Array((ready ? #"{"status":"ready"}"# : #"{"status":"not ready"}"#).utf8), status: ready ? .ok : .serviceUnavailable)
    }
    router.get("/metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "costledger"),
        services: [writer], logger: logger)
}
