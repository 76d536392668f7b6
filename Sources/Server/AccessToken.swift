import Crypto
import Pricing

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

    /// Reads a row of the tokens file (`token_sha256, name, role, tenants`): the one check that
    /// its writer (`costledger token add`) and its reader (``TokenRegistry``) share, so a row that
    /// one writes the other reads.
    /// - Throws: the reason the row is refused, for the caller to place in the file.
    public init(row fields: [String]) throws(TokenRowError) {
        guard fields.count == TokenRegistry.columns.count else {
            throw TokenRowError("expected \(TokenRegistry.columns.count) fields, found \(fields.count)")
        }
        let digest = fields[0].lowercased()
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw TokenRowError("token_sha256 must be 64 hex digits (the SHA-256 of the token, never the token)")
        }
        let name = fields[1]
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw TokenRowError("name must be one line of text, not empty")
        }
        guard let role = Role(rawValue: fields[2]) else { throw TokenRowError("role must be ingest, finance or admin") }
        var tenants: Set<String>?
        if fields[3] != "*" {
            let ids = fields[3].split(separator: ";").map(String.init)
            guard !ids.isEmpty, ids.allSatisfy(isIdentifier) else {
                throw TokenRowError("tenants must be '*' or a ';'-separated list of tenant ids, not '\(fields[3])'")
            }
            tenants = Set(ids)
        }
        self.init(sha256: digest, name: name, role: role, tenants: tenants)
    }

    /// The row's fields as the tokens file holds them (tenants sorted), read back by ``init(row:)``.
    public var row: [String] {
        [sha256, name, role.rawValue, tenants.map { $0.sorted().joined(separator: ";") } ?? "*"]
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

/// Why a row of the tokens file is refused.
public struct TokenRowError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
