import CostLedger
import Foundation
import PostgresNIO

/// A `postgres://` or `postgresql://` URL in libpq's form, read into what a connection needs:
/// `postgres://user:password@host:port/dbname?sslmode=require`.
///
/// What the URL leaves out comes from libpq's environment variables and defaults: `$PGHOST`
/// (else 127.0.0.1), `$PGPORT` (else 5432), `$PGUSER` (else the OS user), `$PGPASSWORD` (else no
/// password), `$PGDATABASE` (else the user name) and `$PGSSLMODE` (else `prefer`). A host that
/// starts with `/` (percent-encoded in the authority, or `?host=/run/postgresql`) is the
/// directory of the server's Unix socket, as in libpq.
struct PostgresURL: Sendable {
    enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The path of the socket file (`DIR/.s.PGSQL.PORT`).
        case unixSocket(path: String)
    }

    /// libpq's `sslmode`.
    enum SSLMode: String, Sendable, CaseIterable {
        case disable
        /// Taken as `prefer`: postgres-nio has no "plain first, then TLS".
        case allow
        case prefer
        /// TLS without checking the server's certificate (libpq's meaning).
        case require
        /// TLS with the certificate checked against the trusted roots, not the host name.
        case verifyCA = "verify-ca"
        /// TLS with the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    var endpoint: Endpoint
    var user: String
    var password: String?
    var database: String
    var sslMode: SSLMode
    /// A PEM file of the roots a `verify-ca` or `verify-full` connection trusts (else the system's).
    var sslRootCertificate: String?
    var connectTimeoutSeconds: Int64?
    var applicationName: String?
    /// The URL as messages name it: without its password.
    let redacted: String

    /// The query parameters understood (libpq's names).
    private static let parameters: Set<String> = [
        "host", "port", "user", "password", "dbname", "sslmode", "sslrootcert", "connect_timeout", "application_name",
    ]

    /// Reads `url`; `environment` supplies libpq's `PG…` defaults.
    /// - Throws: ``LedgerError`` `location` naming the URL (its password hidden) and what is wrong.
    init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LedgerError) {
        redacted = StoreLocation.redacted(url)
        let redacted = redacted
        func malformed(_ reason: String) -> LedgerError {
            LedgerError(.location, "--db \(redacted): not a PostgreSQL URL: \(reason)")
        }
        guard let schemeEnd = url.firstRange(of: "://"),
            ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased())
        else { throw malformed("it must start with postgres:// or postgresql://") }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard !rest.contains("#") else { throw malformed("a fragment (#) has no meaning here; percent-encode it as %23") }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count).dropFirst()

        var values: [String: String] = [:]
        var hostPort = authority
        // The last `@`: a password's unencoded `@` is read as libpq cannot, but as a person means it.
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let colon = userInfo.firstIndex(of: ":")
            let user = try Self.decode(userInfo[..<(colon ?? userInfo.endIndex)], malformed)
            if !user.isEmpty { values["user"] = user }
            if let colon { values["password"] = try Self.decode(userInfo[userInfo.index(after: colon)...], malformed) }
        }
        guard !hostPort.contains(",") else { throw malformed("several hosts are not supported") }
        var hostText = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw malformed("an IPv6 address lacks its ]") }
            hostText = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw malformed("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostText = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        let host = try Self.decode(hostText, malformed)
        if !host.isEmpty { values["host"] = host }
        if let portText { values["port"] = try Self.decode(portText, malformed) }
        let database = try Self.decode(path, malformed)
        if !database.isEmpty { values["dbname"] = database }

        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let name = try Self.decode(pair[..<equals], malformed)
            guard Self.parameters.contains(name) else {
                // A name with an `@` may be a password's tail after an unencoded `?`: not quoted.
                let quoted = name.contains("@") ? "" : " '\(name)'"
                throw malformed("unknown parameter\(quoted) (known: \(Self.parameters.sorted().joined(separator: ", ")))")
            }
            guard equals < pair.endIndex else { throw malformed("parameter '\(name)' has no value") }
            values[name] = try Self.decode(pair[pair.index(after: equals)...], malformed)
        }

        func value(_ name: String, _ variable: String) -> String? {
            values[name] ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let portValue = value("port", "PGPORT") ?? "5432"
        guard let port = Int(portValue), (1...65535).contains(port) else { throw malformed("the port is not a number 1–65535") }
        let hostValue = value("host", "PGHOST") ?? "127.0.0.1"
        endpoint = hostValue.hasPrefix("/") ? .unixSocket(path: "\(hostValue)/.s.PGSQL.\(port)") : .tcp(host: hostValue, port: port)
        user = value("user", "PGUSER") ?? Self.operatingSystemUser
        password = values["password"] ?? environment["PGPASSWORD"]
        self.database = value("dbname", "PGDATABASE") ?? user
        let modeValue = value("sslmode", "PGSSLMODE") ?? SSLMode.prefer.rawValue
        guard let mode = SSLMode(rawValue: modeValue) else {
            throw malformed("sslmode '\(modeValue)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        sslMode = mode
        sslRootCertificate = value("sslrootcert", "PGSSLROOTCERT")
        if let timeout = value("connect_timeout", "PGCONNECT_TIMEOUT") {
            guard let seconds = Int64(timeout), seconds >= 0 else { throw malformed("connect_timeout is not a number of seconds") }
            connectTimeoutSeconds = seconds
        }
        applicationName = value("application_name", "PGAPPNAME")
    }

    /// The connection's configuration, TLS set up as ``sslMode`` asks (never on a Unix socket).
    func configuration() throws(LedgerError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: try tls())
        }
        if let connectTimeoutSeconds, connectTimeoutSeconds > 0 { configuration.options.connectTimeout = .seconds(connectTimeoutSeconds) }
        // Every session commits durably whatever the server's or the role's default: set once in
        // the startup packet rather than per transaction.
        configuration.options.additionalStartupParameters = [("synchronous_commit", "on")]
        if let applicationName { configuration.options.additionalStartupParameters.append(("application_name", applicationName)) }
        return configuration
    }

    private func tls() throws(LedgerError) -> PostgresConnection.Configuration.TLS {
        guard sslMode != .disable else { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .verifyFull: tls.certificateVerification = .fullVerification
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        default: tls.certificateVerification = .none
        }
        if let sslRootCertificate { tls.trustRoots = .file(sslRootCertificate) }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw LedgerError(.location, "--db \(redacted): cannot set up TLS (sslmode=\(sslMode.rawValue)): \(error)")
        }
        return sslMode == .allow || sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// The name of the user this process runs as, libpq's default user.
    private static var operatingSystemUser: String {
        let name = ProcessInfo.processInfo.userName
        return name.isEmpty ? "postgres" : name
    }

    /// Percent-decodes one part of the URL; the bytes must be UTF-8.
    private static func decode(_ part: Substring, _ malformed: (String) -> LedgerError) throws(LedgerError) -> String {
        var bytes: [UInt8] = []
        var iterator = part.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw malformed("a % is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw malformed("a percent-encoded part is not UTF-8") }
        return text
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
