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

    /// Loads a tokens file, as `serve` and `costledger token add` both read it.
    ///
    /// A file that its group or anyone may write is refused: whoever can write it can add a token.
    /// - Parameter requireToken: refuse a file that holds no token (`serve`, which would answer
    ///   every request with 401).
    /// - Throws: ``TokenFileError`` naming the file, and the line of a bad row.
    public init(contentsOf path: String, requireToken: Bool = false) throws(TokenFileError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let mode = attributes[.posixPermissions] as? Int
        else {
            throw TokenFileError(file: path, line: 0, message: "cannot read the file")
        }
        guard mode & 0o022 == 0 else {
            throw TokenFileError(
                file: path, line: 0,
                message: "is group- or world-writable (mode \(Self.octal(mode))): anyone who can write it can add a token; "
                    + "chmod go-w it")
        }
        guard let bytes = readWholeFile(path) else { throw TokenFileError(file: path, line: 0, message: "cannot read the file") }
        try self.init(csv: bytes, source: path)
        if requireToken && tokens.isEmpty {
            throw TokenFileError(file: path, line: 0, message: "holds no token, so every request would be refused (add one with costledger token add)")
        }
    }

    /// A file mode as `ls` and `chmod` spell it: `0664`.
    private static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Reads the bytes of a tokens file; `source` names it in errors.
    /// - Throws: ``TokenFileError`` naming the line of a bad row.
    public init(csv bytes: [UInt8], source: String) throws(TokenFileError) {
        let table: CSVTable
        do {
            table = try CSVTable(bytes: bytes, source: source)
            try table.requireHeader(Self.columns, source: source)
        } catch {
            throw TokenFileError(file: error.source, line: error.line, message: error.message)
        }
        var tokens: [AccessToken] = []
        var seen: Set<String> = []
        for record in table.records {
            let token: AccessToken
            do {
                token = try AccessToken(row: record.fields)
            } catch {
                throw TokenFileError(file: source, line: record.line, message: error.message)
            }
            guard seen.insert(token.sha256).inserted else {
                throw TokenFileError(file: source, line: record.line, message: "this token hash is listed twice")
            }
            tokens.append(token)
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
