import Hummingbird

/// The API's routes, declared once: registered on the router, and asked which methods a path
/// allows (405 with `Allow`) and which route pattern a path belongs to (the metrics' label).
struct RouteTable: Sendable {
    typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response

    private var routes: [(method: HTTPRequest.Method, path: String, handler: Handler)] = []

    /// Declares `handler` for `method` on `path` (`:name` is a parameter segment).
    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        routes.append((method, path, handler))
    }

    /// Adds every route to `router`.
    func register(on router: Router<APIRequestContext>) {
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in try await route.handler(request, context) }
        }
    }

    /// The declared pattern `path` belongs to, if any.
    func pattern(of path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.first { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { expected, given in expected.hasPrefix(":") ? !given.isEmpty : expected == given }
        }?.path
    }

    /// The methods `path` answers, HEAD included with GET, in the order declared.
    func allowedMethods(of path: String) -> [HTTPRequest.Method] {
        guard let pattern = pattern(of: path) else { return [] }
        var methods: [HTTPRequest.Method] = []
        for route in routes where route.path == pattern {
            methods.append(route.method)
            if route.method == .get { methods.append(.head) }
        }
        return methods
    }
}
