import CSVCodec

/// What `costledger prices check` found in a pricing directory.
public struct PricingCheck: Sendable {
    /// Every problem, one per bad row or conflict, in file and line order.
    public var problems: [PricingError]
    /// Ids the operator's `llm.csv` takes from a catalogue key it does not hide: the precedence
    /// the lookup gives it (contract 11.4), listed so that it is never a surprise.
    public var overrides: [PricingError]
    /// The records read, in every file.
    public var rows: Int
}

extension PriceTable {
    /// Lints a pricing directory, reading the files themselves so that every problem is reported
    /// rather than the loader's first: bad fields (prices with more than 6 fractional digits or
    /// above ``Decimal6/maximum``, patterns that do not compile, …), two rows of one key and tier
    /// from the same date, a tier row with no standard row of its key in force at its date, and
    /// an id or pattern that two keys of one file claim. A directory with no problem loads.
    public static func check(directory: String) -> PricingCheck {
        var check = PricingCheck(problems: [], overrides: [], rows: 0)
        let own = lintLLMFile(directory + "/llm.csv", into: &check)
        let cataloguePath = directory + "/" + Self.cataloguePath
        let catalogue = fileExists(cataloguePath) ? lintLLMFile(cataloguePath, into: &check) : []
        check.overrides = overrides(own: own, catalogue: catalogue)
        lintServiceFile(directory + "/services.csv", into: &check)
        return check
    }

    private struct LintedRow {
        var row: LLMPriceRow
        var line: Int
        var path: String

        func problem(_ message: String) -> PricingError { PricingError(file: path, line: line, message: message) }
        var key: String { "\(row.provider),\(row.model)" }
        var keyID: Key { Key(first: row.provider, second: row.model.lowercased()) }
    }

    /// The LLM rows of one file that parsed, with their lines; the problems go into `check`.
    private static func lintLLMFile(_ path: String, into check: inout PricingCheck) -> [LintedRow] {
        var rows: [LintedRow] = []
        var problems: [PricingError] = []
        let prices = llmColumns.filter { $0.hasSuffix("_per_mtok") || $0.hasSuffix("_per_k") } + ["batch_discount"]
        do throws(PricingError) {
            try forEachRecord(path: path, columns: llmColumns, required: requiredLLMColumns, badRecord: { problems.append($0) }) {
                (field, line) throws(PricingError) in
                check.rows += 1
                let fieldProblems = priceProblems(field, columns: prices) + patternProblems(field)
                guard fieldProblems.isEmpty else {
                    problems += fieldProblems
                    return
                }
                do throws(PricingError) {
                    rows.append(LintedRow(row: try llmRow(field), line: line, path: path))
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        problems += overlaps(rows) + tiersWithoutStandard(rows) + doubleClaims(rows)
        check.problems += problems.sorted { $0.line < $1.line }
        return rows
    }

    private static func lintServiceFile(_ path: String, into check: inout PricingCheck) {
        var problems: [PricingError] = []
        var seen: [String: Int] = [:]
        do throws(PricingError) {
            try forEachRecord(path: path, columns: serviceColumns, badRecord: { problems.append($0) }) { (field, line) throws(PricingError) in
                check.rows += 1
                let fieldProblems = priceProblems(field, columns: ["price_per_call", "price_per_unit"])
                guard fieldProblems.isEmpty else {
                    problems += fieldProblems
                    return
                }
                do throws(PricingError) {
                    let row = try serviceRow(field)
                    let key = "\(row.service),\(row.operation) from \(row.effectiveFrom)"
                    if let earlier = seen.updateValue(line, forKey: key) {
                        problems.append(field.error("\(key) is already priced on line \(earlier)"))
                    }
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        check.problems += problems.sorted { $0.line < $1.line }
    }

    /// Each price field that is not one, saying why: the loader's message names only the first.
    private static func priceProblems(_ field: RecordFields, columns: [String]) -> [PricingError] {
        columns.compactMap { column in
            let text = field[column]
            guard !text.isEmpty, Decimal6(text) == nil else { return nil }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, text.contains(where: \.isNumber), parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
                return field.error("\(column) '\(text)' is not a price (a non-negative decimal)")
            }
            if parts.count == 2 && parts[1].count > 6 {
                return field.error("\(column) '\(text)' has \(parts[1].count) fractional digits (at most 6)")
            }
            return field.error("\(column) '\(text)' is above the largest price, \(Decimal6.maximum)")
        }
    }

    /// Each regular expression of the row's model and aliases that does not compile.
    private static func patternProblems(_ field: RecordFields) -> [PricingError] {
        ([field["model"]] + field["aliases"].split(separator: ";").map(String.init)).filter { $0.hasPrefix("re:") }.compactMap { name in
            do throws(PatternError) {
                _ = try ModelPattern(name)
                return nil
            } catch {
                return field.error(error.message)
            }
        }
    }

    /// Two rows of one key and tier from the same date: which is in force is undefined.
    private static func overlaps(_ rows: [LintedRow]) -> [PricingError] {
        var seen: [String: Int] = [:]
        return rows.compactMap { linted in
            let tier = linted.row.serviceTier.map { " (\($0.rawValue))" } ?? ""
            let slot = "\(linted.row.provider),\(linted.row.model.lowercased())\(tier)@\(linted.row.effectiveFrom)"
            guard let earlier = seen.updateValue(linted.line, forKey: slot) else { return nil }
            return linted.problem("\(linted.key)\(tier) from \(linted.row.effectiveFrom) is already priced on line \(earlier)")
        }
    }

    /// A tier row replaces a standard row's prices: before its key's first standard row it has none.
    private static func tiersWithoutStandard(_ rows: [LintedRow]) -> [PricingError] {
        var firstStandard: [Key: CivilDate] = [:]
        for linted in rows where linted.row.serviceTier == nil {
            firstStandard[linted.keyID] = min(firstStandard[linted.keyID] ?? linted.row.effectiveFrom, linted.row.effectiveFrom)
        }
        return rows.compactMap { linted in
            guard let tier = linted.row.serviceTier else { return nil }
            let first = firstStandard[linted.keyID]
            if let first, first <= linted.row.effectiveFrom { return nil }
            return linted.problem(
                "the \(tier.rawValue) row of \(linted.key) from \(linted.row.effectiveFrom) has no standard row in force"
                    + (first.map { " (the first is from \($0))" } ?? " (the key has none)"))
        }
    }

    /// An id or pattern two keys of one file list (or one row twice): only the first key gets it.
    private static func doubleClaims(_ rows: [LintedRow]) -> [PricingError] {
        var claims: [Key: LintedRow] = [:]
        var reported: Set<String> = []
        var problems: [PricingError] = []
        for linted in rows {
            var inRow: Set<String> = []
            for name in [linted.row.model] + linted.row.aliases {
                let folded = name.lowercased()
                let what = ModelPattern.isPattern(name) ? "pattern" : "id"
                if !inRow.insert(folded).inserted {
                    problems.append(linted.problem("\(linted.key) lists the \(what) '\(name)' twice"))
                    continue
                }
                let id = Key(first: linted.row.provider, second: folded)
                guard let first = claims[id] else {
                    claims[id] = linted
                    continue
                }
                if first.keyID != linted.keyID && reported.insert("\(id.first),\(id.second) \(linted.keyID.second)").inserted {
                    problems.append(linted.problem("the \(what) '\(name)' of \(linted.key) is already claimed by \(first.key) on line \(first.line)"))
                }
            }
        }
        return problems
    }

    /// The exact ids of catalogue keys the operator's file does not hide that its own keys claim.
    private static func overrides(own: [LintedRow], catalogue: [LintedRow]) -> [PricingError] {
        let hidden = Set(own.map(\.keyID))
        var claims: [Key: LintedRow] = [:]
        for linted in own {
            for name in [linted.row.model] + linted.row.aliases where !ModelPattern.isPattern(name) {
                let id = Key(first: linted.row.provider, second: name.lowercased())
                if claims[id] == nil { claims[id] = linted }
            }
        }
        var reported: Set<Key> = []
        var overrides: [PricingError] = []
        for linted in catalogue where !hidden.contains(linted.keyID) {
            for name in [linted.row.model] + linted.row.aliases where !ModelPattern.isPattern(name) {
                let id = Key(first: linted.row.provider, second: name.lowercased())
                guard let owner = claims[id], reported.insert(id).inserted else { continue }
                overrides.append(
                    owner.problem("'\(name)' prices as \(owner.key), not as the catalogue's \(linted.key) (\(linted.path):\(linted.line))"))
            }
        }
        return overrides
    }
}
