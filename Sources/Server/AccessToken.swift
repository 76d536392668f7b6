import Crypto

/// What a bearer token may do (contract section 6).
public enum Role: String, Sendable, Hashable, CaseIterable {
    /// Workers: `POST /v1/events` only.
    case ingest
    /// Finance: the read routes.
    case finance
    /// Everything.
    case admin
}

/// A row of `config/tokens.csv`: a token known only by its SHA-256, its owner, role and tenants.
public struct AccessToken: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the token; the token itself is never stored.
    public var sha256: String
    public var name: String
    public var role: Role
    /// The tenants it may read or write; nil means all (`*`).
    public var tenants: Set<String>?

    public init(sha256: String, name: String, role: Role, tenants: Set<String>?) {
        self.sha256 = sha256
        self.name = name
        self.role = role
        self.tenants = tenants
    }

    /// Whether the token may see or write `tenantID`'s data.
    public func allows(tenant tenantID: String) -> Bool {
        tenants?.contains(tenantID) ?? true
    }

    /// Lowercase hex SHA-256 of a presented token.
    public static func digest(of token: String) -> String {
        String(decoding: hexDigest(of: token), as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// ``digest(of:)``'s bytes, without building a string per byte (this runs on every request).
    static func hexDigest(of token: String) -> [UInt8] {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return hex
    }
}
