import CSVCodec
import Pricing

/// `pricing/recommend.csv`: for a model, the cheaper model of the same provider to propose.
public struct DowngradeMap: Sendable {
    public static let columns = ["provider", "model", "cheaper_model"]
    private var cheaper: [String: String] = [:]

    public init(_ entries: [(provider: String, model: String, cheaperModel: String)] = []) {
        for entry in entries { cheaper[entry.provider + "/" + entry.model] = entry.cheaperModel }
    }

    /// The cheaper model proposed for `provider`/`model`, if any.
    public func cheaperModel(provider: String, model: String) -> String? {
        cheaper[provider + "/" + model]
    }

    /// Loads the file; a missing file means no model is downgraded.
    public init(contentsOf path: String) throws(PricingError) {
        guard let bytes = readWholeFile(path) else {
            self.init()
            return
        }
        var entries: [(String, String, String)] = []
        do throws(CSVError) {
            let table = try CSVTable(bytes: bytes, source: path)
            try table.requireHeader(Self.columns, source: path)
            for record in table.records {
                guard record.fields.count == 3, record.fields.allSatisfy(isIdentifier) else {
                    throw CSVError(source: path, line: record.line, message: "expected provider,model,cheaper_model identifiers")
                }
                entries.append((record.fields[0], record.fields[1], record.fields[2]))
            }
        } catch {
            throw PricingError(file: error.source, line: error.line, message: error.message)
        }
        self.init(entries.map { (provider: $0.0, model: $0.1, cheaperModel: $0.2) })
    }
}
