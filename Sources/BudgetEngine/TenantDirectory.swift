import CSVCodec
import Foundation
import Pricing

/// The tenants of `config/tenants.csv`, with the seed's defaults for any other tenant.
public struct TenantDirectory: Sendable {
    public static let columns = [
        "tenant_id", "daily_budget_usd", "monthly_budget_usd", "per_conversation_limit_usd", "warning_threshold",
        "critical_threshold", "timezone",
    ]

    private var policies: [String: BudgetPolicy]

    public init(policies: [BudgetPolicy] = []) {
        self.policies = Dictionary(policies.map { ($0.tenantID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The tenants listed in the file.
    public var listedTenants: [String] { policies.keys.sorted() }

    /// The policy of a tenant: its row, or the defaults.
    public func policy(for tenantID: String) -> BudgetPolicy {
        policies[tenantID] ?? .defaults(for: tenantID)
    }

    /// Loads a tenants file; a missing file means every tenant gets the defaults.
    /// - Throws: ``TenantFileError`` naming the file and line of a bad row.
    public init(contentsOf path: String, missingIsEmpty: Bool = true) throws(TenantFileError) {
        if missingIsEmpty && !FileManager.default.fileExists(atPath: path) {
            self.init()
            return
        }
        let table: CSVTable
        do {
            table = try CSVTable(contentsOf: path)
            try table.requireHeader(Self.columns, source: path)
        } catch {
            throw TenantFileError(file: error.source, line: error.line, message: error.message)
        }
        var policies: [BudgetPolicy] = []
        var seen: [String: Int] = [:]
        for record in table.records {
            func fail(_ message: String) -> TenantFileError { TenantFileError(file: path, line: record.line, message: message) }
            guard record.fields.count == Self.columns.count else {
                throw fail("expected \(Self.columns.count) fields, found \(record.fields.count)")
            }
            let field = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            let tenantID = field[0]
            guard isIdentifier(tenantID) else { throw fail("tenant_id '\(tenantID)' is not a valid identifier") }
            if let earlier = seen[tenantID] { throw fail("tenant \(tenantID) is already listed on line \(earlier)") }
            seen[tenantID] = record.line
            func budget(_ index: Int) throws(TenantFileError) -> Money {
                guard let value = Money(decimal: field[index]), value.nanos > 0 else {
                    throw fail("\(Self.columns[index]) '\(field[index])' must be a positive decimal")
                }
                return value
            }
            func threshold(_ index: Int) throws(TenantFileError) -> Decimal6 {
                guard let value = Decimal6(field[index]), value.millionths > 0, value <= .one else {
                    throw fail("\(Self.columns[index]) '\(field[index])' must be a decimal in (0, 1]")
                }
                return value
            }
            let warning = try threshold(4)
            let critical = try threshold(5)
            guard warning < critical else { throw fail("warning_threshold must be below critical_threshold") }
            let timezone = field[6]
            guard Self.isIANAName(timezone) else {
                throw fail("timezone '\(timezone)' is not an IANA time zone name (such as Europe/Bucharest, Etc/GMT-5 or UTC)")
            }
            policies.append(
                BudgetPolicy(
                    tenantID: tenantID, dailyBudget: try budget(1), monthlyBudget: try budget(2), perConversationLimit: try budget(3),
                    warningThreshold: warning, criticalThreshold: critical, timezone: timezone))
        }
        self.init(policies: policies)
    }
}

extension TenantDirectory {
    /// The IANA database's regions: every zone name but `UTC` and `GMT` is `Region/Location`.
    private static let ianaRegions: Set<Substring> = [
        "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc",
    ]

    /// Whether `name` is a zone of the IANA database that Foundation knows. Foundation also
    /// accepts abbreviations and offsets (`EST5EDT`, `UTC+2`, `GMT+5`); those are refused, as
    /// `GMT+5` there is UTC+5 while the IANA `Etc/GMT+5` is UTC−5.
    static func isIANAName(_ name: String) -> Bool {
        if name == "UTC" || name == "GMT" { return true }
        guard let region = name.split(separator: "/", maxSplits: 1).first, region.count < name.count, ianaRegions.contains(region) else {
            return false
        }
        return TimeZone(identifier: name)?.identifier == name
    }
}

/// A tenants file that cannot be used, naming the file and line.
public struct TenantFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
