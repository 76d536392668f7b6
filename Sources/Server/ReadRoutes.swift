import App
import BudgetEngine
import CostLedger
import Foundation
import Hummingbird
import Optimizer
import Pricing
import Reports

/// The finance routes: costs, budgets and recommendations, each filtered to the token's tenants.
/// Each answers from the same use case as the CLI (``LedgerApp``), through a reader of its own
/// (SQLite WAL readers never block the writer), on the read pool's threads.
struct ReadRoutes: Sendable {
    let tokens: TokenRegistry
    let pool: BlockingPool
    let app: LedgerApp
    let prices: PriceTable
    let tenants: TenantDirectory
    let downgrades: DowngradeMap

    /// `GET /v1/tenants/{tenant}/costs?from=&to=`: the cost summary of one tenant over `[from, to)`.
    func costs(_ request: Request, context: APIRequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let tenant = try context.pathParameter("tenant")
        guard token.allows(tenant: tenant) else { throw APIError.forbidden("this token may not read tenant \(tenant)") }
        let (from, to) = try request.period()
        let bytes = try await pool.run { try await app.costs(tenant: tenant, from: from, to: to).jsonBytes }
        return Response.json(bytes)
    }

    /// `GET /v1/budgets?as_of=`: the budget status of the tenants the token may see.
    func budgets(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let asOf = try request.instant("as_of", default: .now())
        let bytes = try await pool.run {
            try await app.budgets(asOf: asOf, tenants: tenants, visible: { token.allows(tenant: $0) }).jsonBytes
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
        let bytes = try await pool.run { [settings] in
            try await app.recommendations(
                asOf: asOf, prices: prices, downgrades: downgrades, settings: settings, visible: { token.allows(tenant: $0) }
            ).jsonBytes
        }
        return Response.json(bytes)
    }
}
