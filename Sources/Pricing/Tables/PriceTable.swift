/// The LLM and external-API price tables, indexed for lookup by key and date.
public struct PriceTable: Sendable {
    struct Key: Hashable, Sendable {
        var first: String
        var second: String
    }

    /// Rows per key, sorted by `effectiveFrom`; aliases point at the rows that list them.
    private var llmRows: [Key: [LLMPriceRow]] = [:]
    private var serviceRows: [Key: [ServicePriceRow]] = [:]

    /// Builds a table from rows.
    /// - Throws: ``PricingError`` when two rows have the same key and date.
    public init(llm: [LLMPriceRow], services: [ServicePriceRow]) throws(PricingError) {
        for row in llm {
            for model in [row.model] + row.aliases {
                llmRows[Key(first: row.provider, second: model), default: []].append(row)
            }
        }
        for (key, rows) in llmRows {
            let sorted = rows.sorted { $0.effectiveFrom < $1.effectiveFrom }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.effectiveFrom == b.effectiveFrom {
                throw PricingError(
                    file: "llm.csv", line: 0,
                    message: "two rows price \(key.first),\(key.second) from \(a.effectiveFrom)"
                )
            }
            llmRows[key] = sorted
        }
        for row in services {
            serviceRows[Key(first: row.service, second: row.operation), default: []].append(row)
        }
        for (key, rows) in serviceRows {
            let sorted = rows.sorted { $0.effectiveFrom < $1.effectiveFrom }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.effectiveFrom == b.effectiveFrom {
                throw PricingError(
                    file: "services.csv", line: 0,
                    message: "two rows price \(key.first),\(key.second) from \(a.effectiveFrom)"
                )
            }
            serviceRows[key] = sorted
        }
    }

    /// The row that prices `provider`/`model` on `date`, and whether it is a fallback estimate.
    ///
    /// Tries the model (or an alias), then `provider,*`, then `*,*`; nil when none is in force.
    public func llmRow(provider: String, model: String, on date: CivilDate) -> (row: LLMPriceRow, estimated: Bool)? {
        if let row = Self.inForce(llmRows[Key(first: provider, second: model)], on: date) {
            return (row, row.isFallback)
        }
        if let row = Self.inForce(llmRows[Key(first: provider, second: "*")], on: date) {
            return (row, true)
        }
        if let row = Self.inForce(llmRows[Key(first: "*", second: "*")], on: date) {
            return (row, true)
        }
        return nil
    }

    /// The row that prices `service`/`operation` on `date`, or nil for an unpriced operation.
    public func serviceRow(service: String, operation: String, on date: CivilDate) -> ServicePriceRow? {
        Self.inForce(serviceRows[Key(first: service, second: operation)], on: date)
    }

    /// Every service row, in key and date order.
    public var allServiceRows: [ServicePriceRow] {
        serviceRows.keys.sorted { ($0.first, $0.second) < ($1.first, $1.second) }.flatMap { serviceRows[$0] ?? [] }
    }

    private static func inForce<Row: EffectiveDated>(_ rows: [Row]?, on date: CivilDate) -> Row? {
        guard let rows else { return nil }
        // Rows are few per key: a backwards scan beats a binary search here.
        for row in rows.reversed() where row.effectiveFrom <= date { return row }
        return nil
    }
}

protocol EffectiveDated { var effectiveFrom: CivilDate { get } }
extension LLMPriceRow: EffectiveDated {}
extension ServicePriceRow: EffectiveDated {}

/// A pricing file that cannot be used, naming the file and line.
public struct PricingError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
