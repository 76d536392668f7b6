import CSVCodec

extension PriceTable {
    /// The columns of `llm.csv`, in the order the shipped file has them.
    public static let llmColumns = [
        "provider", "model", "effective_from", "input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
        "cache_write_per_mtok", "batch_discount", "long_context_threshold", "long_input_per_mtok",
        "long_output_per_mtok", "long_cache_read_per_mtok", "aliases",
    ]

    /// The columns of `services.csv`.
    public static let serviceColumns = [
        "service", "operation", "effective_from", "price_per_call", "price_per_unit", "free_quota_per_month",
        "quota_scope",
    ]

    /// Loads `llm.csv` and `services.csv` from a pricing directory.
    /// - Throws: ``PricingError`` naming the file and line of the first bad row.
    public init(directory: String) throws(PricingError) {
        let llm = try Self.loadLLMRows(path: directory + "/llm.csv")
        let services = try Self.loadServiceRows(path: directory + "/services.csv")
        try self.init(llm: llm, services: services)
    }

    static func loadLLMRows(path: String) throws(PricingError) -> [LLMPriceRow] {
        var rows: [LLMPriceRow] = []
        var seen: [String: Int] = [:]
        try forEachRecord(path: path, columns: llmColumns) { (field, line) throws(PricingError) in
            let provider = try field.identifier("provider", allowWildcard: true)
            let model = try field.identifier("model", allowWildcard: true)
            if provider == "*" && model != "*" {
                throw field.error("provider '*' is only allowed in the '*,*' row")
            }
            var longContext: LongContextTier?
            if let threshold = try field.count("long_context_threshold", minimum: 1) {
                longContext = LongContextTier(
                    threshold: threshold, input: try field.price("long_input_per_mtok"),
                    output: try field.price("long_output_per_mtok"),
                    cacheRead: try field.price("long_cache_read_per_mtok"))
            } else if !field["long_input_per_mtok"].isEmpty || !field["long_output_per_mtok"].isEmpty
                || !field["long_cache_read_per_mtok"].isEmpty
            {
                throw field.error("long_* prices need a long_context_threshold")
            }
            let discount = try field.price("batch_discount") ?? .zero
            guard discount <= .one else { throw field.error("batch_discount must be between 0 and 1") }
            let aliases = field["aliases"].split(separator: ";", omittingEmptySubsequences: true).map(String.init)
            for alias in aliases where !isIdentifier(alias) {
                throw field.error("alias '\(alias)' is not a valid model id")
            }
            let row = LLMPriceRow(
                provider: provider, model: model, effectiveFrom: try field.date("effective_from"),
                input: try field.requiredPrice("input_per_mtok"), output: try field.requiredPrice("output_per_mtok"),
                cacheRead: try field.price("cache_read_per_mtok"), cacheWrite: try field.price("cache_write_per_mtok"),
                batchDiscount: discount, longContext: longContext, aliases: aliases)
            for name in [model] + aliases {
                let key = "\(provider),\(name)@\(row.effectiveFrom)"
                if let earlier = seen[key] {
                    throw field.error("\(provider),\(name) from \(row.effectiveFrom) is already priced on line \(earlier)")
                }
                seen[key] = line
            }
            rows.append(row)
        }
        return rows
    }

    static func loadServiceRows(path: String) throws(PricingError) -> [ServicePriceRow] {
        var rows: [ServicePriceRow] = []
        var seen: [String: Int] = [:]
        try forEachRecord(path: path, columns: serviceColumns) { (field, line) throws(PricingError) in
            let scopeText = field["quota_scope"]
            guard let scope = scopeText.isEmpty ? .global : QuotaScope(rawValue: scopeText) else {
                throw field.error("quota_scope must be 'global' or 'tenant', not '\(scopeText)'")
            }
            let row = ServicePriceRow(
                service: try field.identifier("service", allowWildcard: false),
                operation: try field.identifier("operation", allowWildcard: false),
                effectiveFrom: try field.date("effective_from"),
                pricePerCall: try field.price("price_per_call") ?? .zero,
                pricePerUnit: try field.price("price_per_unit") ?? .zero,
                freeQuotaPerMonth: try field.count("free_quota_per_month", minimum: 0), quotaScope: scope)
            let key = "\(row.service),\(row.operation)@\(row.effectiveFrom)"
            if let earlier = seen[key] {
                throw field.error("\(row.service),\(row.operation) from \(row.effectiveFrom) is already priced on line \(earlier)")
            }
            seen[key] = line
            rows.append(row)
        }
        return rows
    }

    private static func forEachRecord(
        path: String, columns: [String], _ body: (RecordFields, Int) throws(PricingError) -> Void
    ) throws(PricingError) {
        let table: CSVTable
        do {
            table = try CSVTable(contentsOf: path)
            try table.requireHeader(columns, source: path)
        } catch {
            throw PricingError(file: error.source, line: error.line, message: error.message)
        }
        for record in table.records {
            guard record.fields.count == columns.count else {
                throw PricingError(
                    file: path, line: record.line,
                    message: "expected \(columns.count) fields, found \(record.fields.count)")
            }
            try body(RecordFields(path: path, record: record, columns: columns), record.line)
        }
    }
}

/// The fields of one CSV record by column name, with typed accessors that name the bad field.
struct RecordFields {
    let path: String
    let record: CSVTable.Record
    let columns: [String]

    subscript(column: String) -> String {
        guard let index = columns.firstIndex(of: column) else { return "" }
        return record.fields[index].trimmingSpaces()
    }

    func error(_ message: String) -> PricingError {
        PricingError(file: path, line: record.line, message: message)
    }

    func identifier(_ column: String, allowWildcard: Bool) throws(PricingError) -> String {
        let value = self[column]
        if allowWildcard && value == "*" { return value }
        guard isIdentifier(value) else { throw error("\(column) '\(value)' is not a valid identifier") }
        return value
    }

    func date(_ column: String) throws(PricingError) -> CivilDate {
        guard let date = CivilDate(iso: self[column]) else {
            throw error("\(column) '\(self[column])' is not a YYYY-MM-DD date")
        }
        return date
    }

    func price(_ column: String) throws(PricingError) -> Decimal6? {
        let text = self[column]
        if text.isEmpty { return nil }
        guard let value = Decimal6(text) else {
            throw error("\(column) '\(text)' is not a price (a non-negative decimal with at most 6 fractional digits)")
        }
        return value
    }

    func requiredPrice(_ column: String) throws(PricingError) -> Decimal6 {
        guard let value = try price(column) else { throw error("\(column) is required") }
        return value
    }

    func count(_ column: String, minimum: Int64) throws(PricingError) -> Int64? {
        let text = self[column]
        if text.isEmpty { return nil }
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text.utf8.count <= 12, let value = Int64(text),
            value >= minimum
        else {
            throw error("\(column) '\(text)' is not a whole number ≥ \(minimum)")
        }
        return value
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
