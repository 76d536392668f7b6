import BudgetEngine
import CostLedger
import Foundation
import Hummingbird
import Optimizer
import Pricing
import Reports

/// The finance routes: costs, budgets and recommendations, each filtered to the token's tenants.
/// They read through their own SQLite connection (WAL readers never block the writer), on the
/// read pool's threads.
struct ReadRoutes: Sendable {
    let tokens: TokenRegistry
    let pool: BlockingPool
    let configuration: ServerConfiguration
    let prices: PriceTable
    let tenants: TenantDirectory
    let downgrades: DowngradeMap

    /// `GET /v1/tenants/{tenant}/costs?from=&to=`: the cost summary of one tenant over `[from, to)`.
    func costs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let tenant = try context.pathParameter("tenant")
        guard token.allows(tenant: tenant) else { throw APIError.forbidden("this token may not read tenant \(tenant)") }
        let (from, to) = try request.period()
        let location = configuration.location
        let bytes = try await pool.run {
            let usage = try LedgerAggregates(store: try location.openReader()).usage(from: from.millis, to: to.millis)
            return ReportSnapshot.costSummaryTable(usage.filter { $0.key.tenantID == tenant }, period: "\(from)/\(to)").jsonBytes
        }
        return Response.json(bytes)
    }

    /// `GET /v1/budgets?as_of=`: the budget status of the tenants the token may see.
    func budgets(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let asOf = try request.instant("as_of", default: .now())
        let (location, tenants) = (configuration.location, tenants)
        let bytes = try await pool.run {
            let aggregates = LedgerAggregates(store: try location.openReader())
            let known = Set(try aggregates.usage(to: asOf.millis + 1).keys.map(\.tenantID))
            let snapshot = try BudgetEngine(aggregates: aggregates, tenants: tenants).budgets(asOf: asOf, tenantIDs: known)
            var table = ReportTable(columns: ReportSnapshot.budgetColumns)
            table.rows = snapshot.tenants.filter { token.allows(tenant: $0.tenantID) }.map(ReportSnapshot.budgetRow)
            return table.jsonBytes
        }
        return Response.json(bytes)
    }

    /// `GET /v1/recommendations?as_of=&window_days=`: the optimiser's output for the token's tenants.
    func recommendations(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let asOf = try request.instant("as_of", default: .now())
        var settings = OptimizerSettings()
        if let text = request.uri.queryParameters["window_days"] {
            guard let days = Int64(text), (1...366).contains(days) else {
                throw APIError.badRequest("window_days must be a whole number of days between 1 and 366")
            }
            settings.windowDays = days
        }
        let (location, prices, downgrades) = (configuration.location, prices, downgrades)
        let bytes = try await pool.run { [settings] in
            let optimizer = Optimizer(
                aggregates: LedgerAggregates(store: try location.openReader()), prices: prices, downgrades: downgrades,
                settings: settings)
            let visible = try optimizer.recommend(asOf: asOf).filter { token.allows(tenant: $0.tenantID) }
            return ReportSnapshot.recommendationsTable(visible).jsonBytes
        }
        return Response.json(bytes)
    }
}
