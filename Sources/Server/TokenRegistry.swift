import CSVCodec
import Foundation
import Pricing

/// The tokens of `config/tokens.csv`, looked up in constant time.
public struct TokenRegistry: Sendable {
    public static let columns = ["token_sha256", "name", "role", "tenants"]

    public private(set) var tokens: [AccessToken]

    public init(tokens: [AccessToken] = []) {
        self.tokens = tokens
    }

    /// The token whose SHA-256 matches the presented one, comparing every stored digest in full
    /// so the time taken says nothing about how much of a digest matched.
    public func authenticate(_ presented: String) -> AccessToken? {
        let digest = AccessToken.hexDigest(of: presented)
        var match: AccessToken?
        for token in tokens where token.sha256.utf8.count == digest.count {
            var difference: UInt8 = 0
            for (stored, given) in zip(token.sha256.utf8, digest) { difference |= stored ^ given }
            if difference == 0 { match = token }
        }
        return match
    }

    /// Loads a tokens file.
    /// - Throws: ``TokenFileError`` naming the file and line of a bad row.
    public init(contentsOf path: String) throws(TokenFileError) {
        let table: CSVTable
        do {
            table = try CSVTable(contentsOf: path)
            try table.requireHeader(Self.columns, source: path)
        } catch {
            throw TokenFileError(file: error.source, line: error.line, message: error.message)
        }
        var tokens: [AccessToken] = []
        var seen: Set<String> = []
        for record in table.records {
            func fail(_ message: String) -> TokenFileError { TokenFileError(file: path, line: record.line, message: message) }
            guard record.fields.count == Self.columns.count else { throw fail("expected 4 fields, found \(record.fields.count)") }
            let digest = record.fields[0].lowercased()
            guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw fail("token_sha256 must be 64 hex digits (the SHA-256 of the token, never the token)")
            }
            guard seen.insert(digest).inserted else { throw fail("this token hash is listed twice") }
            guard !record.fields[1].isEmpty else { throw fail("name is required") }
            guard let role = Role(rawValue: record.fields[2]) else { throw fail("role must be ingest, finance or admin") }
            let list = record.fields[3]
            var tenants: Set<String>?
            if list != "*" {
                let ids = list.split(separator: ";").map(String.init)
                guard !ids.isEmpty, ids.allSatisfy(isIdentifier) else { throw fail("tenants must be '*' or a ';'-separated list of tenant ids") }
                tenants = Set(ids)
            }
            tokens.append(AccessToken(sha256: digest, name: record.fields[1], role: role, tenants: tenants))
        }
        self.init(tokens: tokens)
    }

    /// A new random token (32 bytes from the system's generator, hex) and its registry row.
    public static func issue(name: String, role: Role, tenants: Set<String>?) -> (token: String, row: AccessToken) {
        var generator = SystemRandomNumberGenerator()
        let token = "cl_" + (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return (token, AccessToken(sha256: AccessToken.digest(of: token), name: name, role: role, tenants: tenants))
    }
}

/// A tokens file that cannot be used, naming the file and line.
public struct TokenFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
