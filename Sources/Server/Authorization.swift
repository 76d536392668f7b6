import Hummingbird

extension TokenRegistry {
    /// The token of `Authorization: Bearer …` when its role may use the route.
    /// - Throws: `HTTPError` 401 for a missing or unknown token, 403 for a role that may not.
    func authorize(_ request: Request, roles: Set<Role>) throws -> AccessToken {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let token = authenticate(String(header.dropFirst("Bearer ".count)))
        else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "a valid bearer token is required")
        }
        guard roles.contains(token.role) else {
            throw HTTPError(.forbidden, message: "the \(token.role.rawValue) role may not use this route")
        }
        return token
    }
}
