import Hummingbird

extension TokenRegistry {
    /// The token of `Authorization: Bearer …` (the scheme in any case) when its role may use the route.
    /// - Throws: ``APIError`` 401 for a missing or unknown token, 403 for a role that may not.
    func authorize(_ request: Request, roles: Set<Role>) throws(APIError) -> AccessToken {
        let scheme = "bearer "
        guard let header = request.headers[.authorization], header.utf8.count > scheme.utf8.count,
            header.prefix(scheme.count).lowercased() == scheme,
            let token = authenticate(String(header.dropFirst(scheme.count)))
        else {
            throw .unauthorized
        }
        guard roles.contains(token.role) else {
            throw .forbidden("the \(token.role.rawValue) role may not use this route")
        }
        return token
    }
}
