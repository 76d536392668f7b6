extension PriceTable {
    /// How a model id found the key that prices it (contract 11.2, 11.4).
    public enum Resolution: Sendable, Hashable {
        /// The key's own model id (compared in lower case).
        case exact
        /// One of the key's aliases, as written in the file.
        case alias(String)
        /// The first pattern, in lookup order, that matches the id, as written in the file.
        case pattern(String)
        /// No key in force: the `provider,*` or `*,*` row, an estimate.
        case fallback
    }

    /// The rows that price a model on a date, and how the id found them.
    public struct Explanation: Sendable {
        public var resolution: Resolution
        /// The key whose rows price the model (the fallback's, for ``Resolution/fallback``).
        public var prices: ModelPrices
        /// The key the id resolved to when it has no standard row in force yet, so a fallback prices it.
        public var notInForce: ModelPrices?
        public var standard: LLMPriceRow
        /// The tier rows in force, by tier.
        public var tiers: [ServiceTier: LLMPriceRow]
    }

    /// The rows ``quote(provider:model:usage:on:)`` uses for `provider`/`model` on `date`, and
    /// why; nil when not even a fallback row prices it.
    public func explain(provider: String, model: String, on date: CivilDate) -> Explanation? {
        guard let (row, estimated) = llmRow(provider: provider, model: model, on: date) else { return nil }
        let resolved = resolve(provider: provider, model: model)
        // Operator's keys come first and hidden catalogue keys are gone, so the first key is the one used.
        guard let prices = estimated ? models.first(where: { $0.provider == row.provider && $0.model == row.model }) : resolved else {
            return nil
        }
        return Explanation(
            resolution: estimated ? .fallback : Self.resolution(of: model, in: prices), prices: prices,
            notInForce: estimated ? resolved : nil, standard: row, tiers: prices.tierRows(on: date))
    }

    /// Which of the key's names matched `model`, in the order the lookup tries them.
    private static func resolution(of model: String, in prices: ModelPrices) -> Resolution {
        let folded = model.lowercased()
        let (patterns, ids) = (prices.names.filter(ModelPattern.isPattern), prices.names.filter { !ModelPattern.isPattern($0) })
        if let id = ids.first(where: { $0.lowercased() == folded }) { return id == prices.model ? .exact : .alias(id) }
        let matching = patterns.first { (try? ModelPattern($0))?.matches(folded: folded) ?? false }
        return .pattern(matching ?? prices.model)
    }
}

extension PriceTable.ModelPrices {
    /// The standard row in force on `date`, if any.
    public func standardRow(on date: CivilDate) -> LLMPriceRow? {
        standard.last { $0.effectiveFrom <= date }
    }

    /// The tier rows in force on `date`, by tier.
    public func tierRows(on date: CivilDate) -> [ServiceTier: LLMPriceRow] {
        tiers.compactMapValues { rows in rows.last { $0.effectiveFrom <= date } }
    }
}
