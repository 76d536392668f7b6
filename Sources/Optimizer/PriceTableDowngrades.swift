import Pricing

/// Cheaper models read off the price table, for the models `recommend.csv` names none for
/// (contract 15.3): for a model, the most expensive model of the same provider whose standard
/// input and output prices in force are both at most half of the model's, leaving out rows marked
/// `deprecated` and the fallback rows (`*`).
///
/// A proposal must be a model id to route to: a key's own id, or for a glob key that ends in its
/// only `*` (the catalogue's `claude-haiku-4-5*`) the id before the star, the shortest it matches;
/// other patterns name no id and are left out. "Most expensive" is the larger sum of the input
/// and output prices per 1M tokens, then the larger output price, then the smaller id, so the
/// choice never depends on file order. The candidates are sorted once per provider when the value
/// is built (the catalogue has thousands of keys), so a lookup is one scan of one provider's list.
struct PriceTableDowngrades {
    /// A model that can be proposed: its id and its standard row in force.
    struct Candidate {
        var model: String
        var row: LLMPriceRow
    }

    /// Per provider, the candidates with both prices, most expensive first.
    private let candidates: [String: [Candidate]]

    init(prices: PriceTable, on date: CivilDate) {
        var byProvider: [String: [Candidate]] = [:]
        for key in prices.models {
            guard let model = Self.routableID(key.model), let row = key.standardRow(on: date), !row.deprecated, row.rates.input != nil,
                row.rates.output != nil
            else { continue }
            byProvider[key.provider, default: []].append(Candidate(model: model, row: row))
        }
        candidates = byProvider.mapValues { list in
            list.sorted {
                let (a, b) = ($0.row.input.millionths + $0.row.output.millionths, $1.row.input.millionths + $1.row.output.millionths)
                return a != b ? a > b : $0.row.output != $1.row.output ? $0.row.output > $1.row.output : $0.model < $1.model
            }
        }
    }

    /// The id a key's model names, nil for the fallback and for patterns that name none.
    static func routableID(_ model: String) -> String? {
        guard model != "*" else { return nil }
        guard ModelPattern.isPattern(model) else { return model }
        let stem = model.dropLast()
        guard !model.hasPrefix("re:"), model.hasSuffix("*"), !stem.isEmpty, !stem.contains("*") else { return nil }
        return String(stem)
    }

    /// The model proposed instead of `model`, priced by `row`; nil when none costs half or less.
    func cheaper(than model: String, pricedBy row: LLMPriceRow) -> Candidate? {
        guard let input = row.rates.input, let output = row.rates.output, input.millionths + output.millionths > 0 else { return nil }
        return candidates[row.provider]?.first {
            $0.row !== row && $0.model.lowercased() != model.lowercased() && $0.row.input.millionths * 2 <= input.millionths
                && $0.row.output.millionths * 2 <= output.millionths
        }
    }
}
