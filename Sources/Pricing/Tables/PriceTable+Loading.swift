import CSVCodec

extension PriceTable {
    /// The columns of `llm.csv` (sections 3 and 11.2), in the order the catalogue has them. A file
    /// may hold any of them in any order; these five are required.
    public static let llmColumns = [
        "provider", "model", "aliases", "effective_from", "service_tier", "input_per_mtok", "output_per_mtok",
        "cache_read_per_mtok", "cache_write_per_mtok", "cache_write_1h_per_mtok", "input_audio_per_mtok",
        "input_image_per_mtok", "output_audio_per_mtok", "output_image_per_mtok", "web_search_per_k", "request_per_k",
        "long_context_threshold", "long_input_per_mtok", "long_output_per_mtok", "long_cache_read_per_mtok",
        "long_cache_write_per_mtok", "long_cache_write_1h_per_mtok", "batch_discount", "deprecated",
    ]
    static let requiredLLMColumns = ["provider", "model", "effective_from", "input_per_mtok", "output_per_mtok"]

    /// The columns of `services.csv`.
    public static let serviceColumns = [
        "service", "operation", "effective_from", "price_per_call", "price_per_unit", "free_quota_per_month",
        "quota_scope",
    ]

    /// The catalogue's file inside a pricing directory (contract 11.4).
    public static let cataloguePath = "catalogue/llm.csv"

    /// Loads `llm.csv`, `services.csv` and, when present, `catalogue/llm.csv` from a pricing directory.
    /// - Throws: ``PricingError`` naming the file and line of the first bad row.
    public init(directory: String) throws(PricingError) {
        let llm = try Self.loadLLMRows(path: directory + "/llm.csv")
        let cataloguePath = directory + "/" + Self.cataloguePath
        let catalogue = fileExists(cataloguePath) ? try Self.loadLLMRows(path: cataloguePath) : []
        let services = try Self.loadServiceRows(path: directory + "/services.csv")
        try self.init(
            llm: llm, catalogue: catalogue, services: services, llmSource: directory + "/llm.csv", catalogueSource: cataloguePath)
    }

    static func loadLLMRows(path: String) throws(PricingError) -> [LLMPriceRow] {
        var rows: [LLMPriceRow] = []
        // Per lower-case name, date and tier (a struct: formatting a string per name cost more than the rest of the row).
        var seen: [PricedName: Int] = [:]
        try forEachRecord(path: path, columns: llmColumns, required: requiredLLMColumns) { (field, line) throws(PricingError) in
            let row = try llmRow(field)
            let (provider, model, tier, aliases) = (row.provider, row.model, row.serviceTier, row.aliases)
            for name in [model] + aliases {
                let key = PricedName(provider: provider, name: name.lowercased(), from: row.effectiveFrom, tier: tier)
                if let earlier = seen[key] {
                    throw field.error("\(provider),\(name) from \(row.effectiveFrom) is already priced on line \(earlier)")
                }
                seen[key] = line
            }
            rows.append(row)
        }
        return rows
    }

    private struct PricedName: Hashable {
        var provider: String
        var name: String
        var from: CivilDate
        var tier: ServiceTier?
    }

    /// One record of `llm.csv` as a row, every field checked (not against the file's other rows).
    static func llmRow(_ field: RecordFields) throws(PricingError) -> LLMPriceRow {
        let provider = try field.identifier("provider", allowWildcard: true)
        let model = try field.modelName("model")
        if provider == "*" && model != "*" {
            throw field.error("provider '*' is only allowed in the '*,*' row")
        }
        let tierText = field["service_tier"]
        var tier: ServiceTier?
        if !tierText.isEmpty {
            guard let named = ServiceTier(rawValue: tierText), named != .standard else {
                throw field.error("service_tier '\(tierText)' must be empty (standard), batch, flex, priority or fast")
            }
            tier = named
        }
        var rates = LLMRates(
            input: try field.price("input_per_mtok"), output: try field.price("output_per_mtok"),
            cacheRead: try field.price("cache_read_per_mtok"), cacheWrite: try field.price("cache_write_per_mtok"),
            cacheWrite1h: try field.price("cache_write_1h_per_mtok"), inputAudio: try field.price("input_audio_per_mtok"),
            inputImage: try field.price("input_image_per_mtok"), outputAudio: try field.price("output_audio_per_mtok"),
            outputImage: try field.price("output_image_per_mtok"), webSearchPerK: try field.price("web_search_per_k"),
            requestPerK: try field.price("request_per_k"))
        if tier == nil {
            rates.input = try field.requiredPrice("input_per_mtok")
            rates.output = try field.requiredPrice("output_per_mtok")
        }
        let longRates = LLMRates(
            input: try field.price("long_input_per_mtok"), output: try field.price("long_output_per_mtok"),
            cacheRead: try field.price("long_cache_read_per_mtok"), cacheWrite: try field.price("long_cache_write_per_mtok"),
            cacheWrite1h: try field.price("long_cache_write_1h_per_mtok"))
        let threshold = try field.count("long_context_threshold", minimum: 1)
        // A tier row may give long prices for its standard row's threshold.
        if threshold == nil && tier == nil && longRates != LLMRates() {
            throw field.error("long_* prices need a long_context_threshold")
        }
        let discount = try field.price("batch_discount") ?? .zero
        guard discount <= .one else { throw field.error("batch_discount must be between 0 and 1") }
        let deprecatedText = field["deprecated"]
        guard deprecatedText.isEmpty || deprecatedText == "true" || deprecatedText == "false" else {
            throw field.error("deprecated must be true, false or empty")
        }
        let aliases = field["aliases"].split(separator: ";", omittingEmptySubsequences: true).map(String.init)
        for alias in aliases where !isIdentifier(alias) && !ModelPattern.isPattern(alias) {
            throw field.error("alias '\(alias)' is neither a model id nor a pattern")
        }
        for name in [model] + aliases where name.hasPrefix("re:") {
            do throws(PatternError) {
                _ = try ModelPattern(name)
            } catch {
                throw field.error(error.message)
            }
        }
        return LLMPriceRow(
            provider: provider, model: model, effectiveFrom: try field.date("effective_from"), serviceTier: tier, rates: rates,
            longContextThreshold: threshold, longRates: longRates, batchDiscount: discount, deprecated: deprecatedText == "true",
            aliases: aliases)
    }

    static func loadServiceRows(path: String) throws(PricingError) -> [ServicePriceRow] {
        var rows: [ServicePriceRow] = []
        var seen: [String: Int] = [:]
        try forEachRecord(path: path, columns: serviceColumns) { (field, line) throws(PricingError) in
            let row = try serviceRow(field)
            let key = "\(row.service),\(row.operation)@\(row.effectiveFrom)"
            if let earlier = seen[key] {
                throw field.error("\(row.service),\(row.operation) from \(row.effectiveFrom) is already priced on line \(earlier)")
            }
            seen[key] = line
            rows.append(row)
        }
        return rows
    }

    /// One record of `services.csv` as a row, every field checked.
    static func serviceRow(_ field: RecordFields) throws(PricingError) -> ServicePriceRow {
        let scopeText = field["quota_scope"]
        guard let scope = scopeText.isEmpty ? .global : QuotaScope(rawValue: scopeText) else {
            throw field.error("quota_scope must be 'global' or 'tenant', not '\(scopeText)'")
        }
        return ServicePriceRow(
            service: try field.identifier("service", allowWildcard: false),
            operation: try field.identifier("operation", allowWildcard: false),
            effectiveFrom: try field.date("effective_from"),
            pricePerCall: try field.price("price_per_call") ?? .zero,
            pricePerUnit: try field.price("price_per_unit") ?? .zero,
            freeQuotaPerMonth: try field.count("free_quota_per_month", minimum: 0), quotaScope: scope)
    }

    /// Calls `body` with each record of a CSV file whose header names its columns: every
    /// `required` one must be there, each at most once, and none outside `columns`. A record
    /// with the wrong number of fields goes to `badRecord` when given (the lint goes on), else throws.
    static func forEachRecord(
        path: String, columns: [String], required: [String]? = nil, badRecord: ((PricingError) -> Void)? = nil,
        _ body: (RecordFields, Int) throws(PricingError) -> Void
    ) throws(PricingError) {
        let table: CSVTable
        do {
            table = try CSVTable(contentsOf: path)
        } catch {
            throw PricingError(file: error.source, line: error.line, message: error.message)
        }
        let header = table.header.map { $0.trimmingSpaces() }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            guard columns.contains(name) else {
                throw PricingError(file: path, line: 1, message: "unknown column '\(name)' (the columns are \(columns.joined(separator: ", ")))")
            }
            guard index.updateValue(position, forKey: name) == nil else {
                throw PricingError(file: path, line: 1, message: "the column '\(name)' appears twice")
            }
        }
        for name in required ?? columns where index[name] == nil {
            throw PricingError(file: path, line: 1, message: "the header has no column '\(name)'")
        }
        for record in table.records {
            guard record.fields.count == header.count else {
                let error = PricingError(
                    file: path, line: record.line,
                    message: "expected \(header.count) fields, found \(record.fields.count)")
                guard let badRecord else { throw error }
                badRecord(error)
                continue
            }
            try body(RecordFields(path: path, record: record, index: index), record.line)
        }
    }
}

/// The fields of one CSV record by column name, with typed accessors that name the bad field.
struct RecordFields {
    let path: String
    let record: CSVTable.Record
    /// Column name to its field's position.
    let index: [String: Int]

    /// The field, trimmed; empty when the file has no such column.
    subscript(column: String) -> String {
        guard let position = index[column] else { return "" }
        return record.fields[position].trimmingSpaces()
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

    /// A model id, a pattern, or `*`.
    func modelName(_ column: String) throws(PricingError) -> String {
        let value = self[column]
        guard value == "*" || isIdentifier(value) || ModelPattern.isPattern(value) else {
            throw error("\(column) '\(value)' is neither a model id nor a pattern")
        }
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
        guard utf8.first == 0x20 || utf8.last == 0x20 else { return self }
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
