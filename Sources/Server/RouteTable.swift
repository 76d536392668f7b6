import Hummingbird

/// The API's routes, declared once: registered on the router, and asked which methods a path
/// allows (405 with `Allow`) and which route a path belongs to (the metrics' label).
struct RouteTable: Sendable {
    typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response

    private struct Route: Sendable {
        var method: HTTPRequest.Method
        var path: String
        /// The path's segments, split once: matching runs on every request.
        var segments: [Substring]
        var handler: Handler
    }

    private var routes: [Route] = []

    /// Declares `handler` for `method` on `path` (`:name` is a parameter segment).
    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, path: path, segments: Self.segments(path), handler: handler))
    }

    /// Adds every route to `router`.
    func register(on router: Router<APIRequestContext>) {
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in try await route.handler(request, context) }
        }
    }

    /// The declared pattern `path` belongs to, if any.
    func pattern(of path: String) -> String? {
        let segments = Self.segments(path)
        return routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { expected, given in expected.hasPrefix(":") ? !given.isEmpty : expected == given }
        }?.path
    }

    /// The metrics' label of `path`: its pattern with `{name}` for a parameter, else `other`.
    func label(of path: String) -> String {
        guard let pattern = pattern(of: path) else { return "other" }
        guard pattern.contains(":") else { return pattern }
        return Self.segments(pattern).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
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

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false)
    }
}
