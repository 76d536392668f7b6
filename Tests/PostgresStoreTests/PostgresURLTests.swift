import CostLedger
@testable import PostgresStore
import Testing

/// libpq's URL form, its environment defaults, and messages that never show a password.
@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("every part is read and percent-decoded; what the URL leaves out comes from PG… variables, then libpq's defaults")
    func parts() throws {
        let url = try PostgresURL(
            "postgresql://led%40ger:p%40ss%2Fw@db.example.com:6543/my%20db?sslmode=require&application_name=costledger&connect_timeout=5",
            environment: [:])
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(url.user == "led@ger" && url.password == "p@ss/w" && url.database == "my db")
        #expect(url.sslMode == .require && url.applicationName == "costledger" && url.connectTimeoutSeconds == 5)
        #expect(url.redacted == "postgresql://led%40ger:***@db.example.com:6543/my%20db?sslmode=require&application_name=costledger&connect_timeout=5")

        let environment = ["PGHOST": "pg.internal", "PGPORT": "5433", "PGUSER": "ops", "PGPASSWORD": "secret", "PGDATABASE": "books"]
        let defaults = try PostgresURL("postgres://", environment: environment)
        #expect(defaults.endpoint == .tcp(host: "pg.internal", port: 5433))
        #expect(defaults.user == "ops" && defaults.password == "secret" && defaults.database == "books" && defaults.sslMode == .prefer)
        let bare = try PostgresURL("postgres://alice@/", environment: [:])
        #expect(bare.endpoint == .tcp(host: "127.0.0.1", port: 5432) && bare.database == "alice" && bare.password == nil)

        let socket = try PostgresURL("postgres://%2Frun%2Fpostgresql/ledger", environment: [:])
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        let socketParameter = try PostgresURL("postgres:///ledger?host=/tmp&port=7000", environment: [:])
        #expect(socketParameter.endpoint == .unixSocket(path: "/tmp/.s.PGSQL.7000"))
        let ipv6 = try PostgresURL("postgres://u@[::1]:5444/x?sslmode=disable", environment: [:])
        #expect(ipv6.endpoint == .tcp(host: "::1", port: 5444) && ipv6.sslMode == .disable)
        // An unencoded @ in a password is taken as meant.
        let at = try PostgresURL("postgres://u:p@ss@h/x", environment: [:])
        #expect(at.password == "p@ss" && at.endpoint == .tcp(host: "h", port: 5432))
        #expect(at.redacted == "postgres://u:***@h/x")
    }

    @Test("a malformed URL is a location error naming it without its password")
    func malformed() {
        let urls = [
            "postgres://u:s3cret@h:99999/x", "postgres://u:s3cret@h:port/x", "postgres://u:s3cret@h/x?sslmode=sometimes",
            "postgres://u:s3cret@h/x?colour=blue", "postgres://u:s3cret@h1,h2/x", "postgres://u:s3cret@h/x%zz",
            "postgres://u:s3cret@[::1/x", "postgres://u:s3cret@h/x#frag", "postgres://h/x?password=s3cret&sslmode=maybe",
            "mysql://u:s3cret@h/x",
        ]
        for url in urls {
            #expect {
                _ = try PostgresURL(url, environment: [:])
            } throws: { error in
                guard let error = error as? LedgerError else { return false }
                return error.code == .location && !error.message.contains("s3cret") && error.message.contains("***")
            }
        }
    }

    @Test("redaction hides the password wherever it is")
    func redaction() {
        #expect(StoreLocation.redacted("postgres://u:pa/ss?@h/x") == "postgres://u:***@h/x")
        #expect(StoreLocation.redacted("postgres://h/x?user=u&password=s3cret") == "postgres://h/x?user=u&password=***")
        #expect(StoreLocation.redacted("postgres://u@h:5432/x") == "postgres://u@h:5432/x")
        #expect(StoreLocation.redacted("postgres://h:5432/x") == "postgres://h:5432/x")
    }
}
