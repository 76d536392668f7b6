import Hummingbird
import Logging

/// Turns every error into the API's JSON error answer, and a known path asked with a method it
/// does not have into 405 with `Allow`. Every 5xx is logged at error level with its reason (the
/// answer itself never carries it).
struct ErrorAnswerMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let answer: APIError
        do {
            let response = try await next(request, context)
            if response.status.code >= 500 {
                context.logger.warning("\(request.method) \(request.uri.path) answered \(response.status.code)")
            }
            return response
        } catch let error as APIError {
            answer = error
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.allowedMethods(of: request.uri.path)
            if allowed.isEmpty {
                answer = APIError(error)
            } else {
                answer = APIError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method) is not allowed on \(request.uri.path)",
                    headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
            }
        } catch let error as HTTPError {
            answer = APIError(error)
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            answer = .internalError
        }
        if answer.status.code >= 500 {
            // A 503 (queue full, not ready, shutting down) is load or state, not a fault.
            context.logger.log(
                level: answer.status == .serviceUnavailable ? .warning : .error,
                "\(request.method) \(request.uri.path) answered \(answer.status.code): \(answer.message)")
        }
        return try answer.response(from: request, context: context)
    }
}

/// Counts every response by route pattern and status for `/metrics`.
struct RequestCounterMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: ServerMetrics
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The pattern, so tenant ids do not explode the label set.
        let route = routes.label(of: request.uri.path)
        let response = try await next(request, context)
        metrics.request(route: route, status: Int(response.status.code))
        return response
    }
}
