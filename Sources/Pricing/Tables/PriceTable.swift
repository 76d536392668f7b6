import Synchronization

/// The LLM and external-API price tables, indexed for lookup by key and date.
///
/// LLM rows come from two files: the operator's `llm.csv` and the generated catalogue. A model id
/// is resolved (contract 11.2, 11.4) to exact ids of the operator's file, then of the catalogue,
/// then the first matching pattern of the operator's file, then of the catalogue, then the
/// `provider,*` and `*,*` fallbacks (estimated). Ids are compared in lower case; a resolution
/// that needed a pattern is cached per distinct id, so patterns never cost per event.
public struct PriceTable: Sendable {
    struct Key: Hashable, Sendable {
        var first: String
        var second: String
    }

    /// Every row of one `(provider, model)` key: standard rows and tier rows, each by date.
    public struct ModelPrices: Sendable {
        public var provider: String
        public var model: String
        /// The file the rows came from.
        public var source: String
        public var standard: [LLMPriceRow]
        public var tiers: [ServiceTier: [LLMPriceRow]]
    }

    /// The keys, operator's first.
    public private(set) var models: [ModelPrices] = []
    /// Exact ids (and aliases) to their key's index in ``models``, ignoring case; the first file
    /// to claim an id keeps it.
    private var exact = ModelIDTable()
    /// Per provider, the patterns in lookup order, with their key's index.
    private var patterns: [String: [(pattern: ModelPattern, model: Int)]] = [:]
    private let patternResolutions = PatternResolutions()
    private var serviceRows: [Key: [ServicePriceRow]] = [:]

    /// Builds a table from rows; `catalogue` rows of a key the operator's rows price are hidden.
    /// - Throws: ``PricingError`` when two rows of a key and tier have the same date, or a pattern
    ///   is not valid.
    public init(
        llm: [LLMPriceRow], catalogue: [LLMPriceRow] = [], services: [ServicePriceRow], llmSource: String = "llm.csv",
        catalogueSource: String = "catalogue/llm.csv"
    ) throws(PricingError) {
        let own = try Self.group(llm, source: llmSource)
        let claimed = Set(own.map { Key(first: $0.provider, second: $0.model.lowercased()) })
        let catalogued = try Self.group(catalogue, source: catalogueSource).filter {
            !claimed.contains(Key(first: $0.provider, second: $0.model.lowercased()))
        }
        models = own + catalogued
        var patternsByFile: [[String: [(pattern: ModelPattern, model: Int)]]] = [[:], [:]]
        var listed: [Set<Key>] = [[], []]
        for (index, prices) in models.enumerated() {
            let file = index < own.count ? 0 : 1
            for name in prices.names {
                if ModelPattern.isPattern(name) {
                    guard listed[file].insert(Key(first: prices.provider, second: name)).inserted else { continue }
                    do {
                        patternsByFile[file][prices.provider, default: []].append((try ModelPattern(name), index))
                    } catch {
                        throw PricingError(file: prices.source, line: 0, message: "\(prices.provider),\(prices.model): \(error.message)")
                    }
                } else if exact.value(provider: prices.provider, model: name) == nil {
                    exact.set(index, provider: prices.provider, model: name)
                }
            }
        }
        patterns = patternsByFile[0].merging(patternsByFile[1]) { $0 + $1 }
        for row in services {
            serviceRows[Key(first: row.service, second: row.operation), default: []].append(row)
        }
        for (key, rows) in serviceRows {
            let sorted = rows.sorted { $0.effectiveFrom < $1.effectiveFrom }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.effectiveFrom == b.effectiveFrom {
                throw PricingError(file: "services.csv", line: 0, message: "two rows price \(key.first),\(key.second) from \(a.effectiveFrom)")
            }
            serviceRows[key] = sorted
        }
    }

    /// Groups rows by `(provider, model)`, keeping the first appearance's order, with each tier's rows by date.
    private static func group(_ rows: [LLMPriceRow], source: String) throws(PricingError) -> [ModelPrices] {
        var order: [Key: Int] = [:]
        order.reserveCapacity(rows.count)
        var grouped: [ModelPrices] = []
        for row in rows {
            let key = Key(first: row.provider, second: row.model.lowercased())
            let index: Int
            if let known = order[key] {
                index = known
            } else {
                index = grouped.count
                order[key] = index
                grouped.append(ModelPrices(provider: row.provider, model: row.model, source: source, standard: [], tiers: [:]))
            }
            if let tier = row.serviceTier {
                grouped[index].tiers[tier, default: []].append(row)
            } else {
                grouped[index].standard.append(row)
            }
        }
        for index in grouped.indices {
            let name = "\(grouped[index].provider),\(grouped[index].model)"
            grouped[index].standard = try sortedByDate(grouped[index].standard, source: source, name: name)
            for (tier, rows) in grouped[index].tiers {
                grouped[index].tiers[tier] = try sortedByDate(rows, source: source, name: "\(name) (\(tier.rawValue))")
            }
        }
        return grouped
    }

    private static func sortedByDate(_ rows: [LLMPriceRow], source: String, name: String) throws(PricingError) -> [LLMPriceRow] {
        let sorted = rows.sorted { $0.effectiveFrom < $1.effectiveFrom }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.effectiveFrom == b.effectiveFrom {
            throw PricingError(file: source, line: 0, message: "two rows price \(name) from \(a.effectiveFrom)")
        }
        return sorted
    }

    /// The key that prices `provider`/`model` by its id, an alias or a pattern; nil when only a
    /// fallback would.
    public func resolve(provider: String, model: String) -> ModelPrices? {
        resolvedIndex(provider: provider, model: model).map { models[$0] }
    }

    private func resolvedIndex(provider: String, model: String) -> Int? {
        if let index = exact.value(provider: provider, model: model) { return index }
        return patternResolutions.resolution(provider: provider, model: model) {
            let folded = model.lowercased()
            return patterns[provider]?.first { $0.pattern.matches(folded: folded) }?.model
        }
    }

    /// The key and standard row that price `provider`/`model` on `date`, and whether that is a
    /// fallback estimate. A key with no standard row in force yet falls through to the fallbacks.
    private func lookup(provider: String, model: String, on date: CivilDate) -> (model: Int, row: LLMPriceRow, estimated: Bool)? {
        if let index = resolvedIndex(provider: provider, model: model), let row = Self.inForce(models[index].standard, on: date) {
            return (index, row, false)
        }
        if let index = exact.value(provider: provider, model: "*"), let row = Self.inForce(models[index].standard, on: date) {
            return (index, row, true)
        }
        if let index = exact.value(provider: "*", model: "*"), let row = Self.inForce(models[index].standard, on: date) {
            return (index, row, true)
        }
        return nil
    }

    /// The standard row that prices `provider`/`model` on `date`, and whether it is a fallback estimate.
    public func llmRow(provider: String, model: String, on date: CivilDate) -> (row: LLMPriceRow, estimated: Bool)? {
        lookup(provider: provider, model: model, on: date).map { ($0.row, $0.estimated) }
    }

    /// Prices one LLM request made on `date` in its service tier (contract 11.3).
    public func quote(provider: String, model: String, usage: LLMUsage, on date: CivilDate) -> LLMPriceQuote {
        guard let (index, row, estimated) = lookup(provider: provider, model: model, on: date) else {
            return .unpriced(usage)
        }
        var tierRow: LLMPriceRow?
        var unknownTier = false
        if usage.serviceTier != .standard {
            tierRow = models[index].tiers[usage.serviceTier].flatMap { Self.inForce($0, on: date) }
            // Batch falls back to the row's discount; another tier no table knows is a guess.
            unknownTier = tierRow == nil && usage.serviceTier != .batch
        }
        return .pricing(usage, standard: row, tier: tierRow, estimated: estimated || unknownTier)
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

/// Which key a model id that no exact id names resolved to through a pattern, per distinct id.
private final class PatternResolutions: Sendable {
    /// The key's index, or -1 for none.
    private let known = Mutex(ModelIDTable(capacity: 1_024))

    /// Distinct ids remembered; beyond it the memory starts afresh (ids are producer input).
    private let capacity = 100_000

    func resolution(provider: String, model: String, _ resolve: () -> Int?) -> Int? {
        if let cached = known.withLock({ $0.value(provider: provider, model: model) }) { return cached < 0 ? nil : cached }
        let found = resolve()
        known.withLock { known in
            if known.count >= capacity { known = ModelIDTable(capacity: 1_024) }
            known.set(found ?? -1, provider: provider, model: model)
        }
        return found
    }
}

extension PriceTable.ModelPrices {
    /// The key's model and every alias its rows list, in order, each once.
    public var names: [String] {
        var seen: Set<String> = []
        return ([model] + standard.flatMap(\.aliases) + tiers.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { tiers[$0]?.flatMap(\.aliases) ?? [] })
            .filter { seen.insert($0).inserted }
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
