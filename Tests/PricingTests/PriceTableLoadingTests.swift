import Pricing
import TestSupport
import Testing

@Suite("Loading pricing files")
struct PriceTableLoadingTests {
    /// Section 3's header alone: a file of it still loads (columns are matched by name).
    static let llmHeader =
        "provider,model,effective_from,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,batch_discount,"
        + "long_context_threshold,long_input_per_mtok,long_output_per_mtok,long_cache_read_per_mtok,aliases"
    static let servicesHeader = PriceTable.serviceColumns.joined(separator: ",")

    func load(llm: String, services: String = servicesHeader + "\n") throws -> PriceTable {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("llm.csv", llm)
        try directory.write("services.csv", services)
        return try PriceTable(directory: directory.path)
    }

    func error(llm: String, services: String = servicesHeader + "\n") throws -> PricingError {
        do {
            _ = try load(llm: llm, services: services)
        } catch let error as PricingError {
            return error
        }
        throw ToolError(description: "expected a PricingError")
    }

    @Test("quoted fields, aliases and a BOM are read")
    func quotedFields() throws {
        let table = try load(llm: "\u{FEFF}" + Self.llmHeader + "\n" + #"acme,"m1",2025-01-01,"1.5",2,,,,,,,,"a1;a2""# + "\n")
        let usage = LLMUsage(inputTokens: 1_000_000, outputTokens: 0)
        let day = CivilDate(iso: "2026-01-01")!
        #expect(table.quote(provider: "acme", model: "a2", usage: usage, on: day).cost.description == "1.500000000")
    }

    @Test("a bad row names the file and its line", arguments: [
        ("acme,m1,2025-01-01,3.0000001,1,,,,,,,,", 3, "input_per_mtok"),
        ("acme,m1,2025-13-01,1,1,,,,,,,,", 3, "effective_from"),
        ("acme,m1,2025-01-01,1,1,,,1.5,,,,,", 3, "batch_discount"),
        ("acme,m1,2025-01-01,1,1,,,,,2,,,", 3, "long_context_threshold"),
        ("acme,m1,2025-01-01,1,1", 3, "expected 13 fields"),
        ("acme,=cmd(),2025-01-01,1,1,,,,,,,,", 3, "model"),
        ("acme,m1,2025-01-01,1,1,,,,,,,,", 3, "already priced on line 2"),
    ])
    func badRow(row: String, line: Int, mention: String) throws {
        let text = Self.llmHeader + "\nacme,m1,2025-01-01,1,1,,,,,,,,\n" + row + "\n"
        let failure = try error(llm: text)
        #expect(failure.line == line)
        #expect(failure.file.hasSuffix("llm.csv"))
        #expect(failure.message.contains(mention), "\(failure.message)")
    }

    @Test("a wrong header, an unterminated quote and a bad quota scope are errors")
    func otherErrors() throws {
        #expect(try error(llm: "provider,model\n").line == 1)
        let unterminated = try error(llm: Self.llmHeader + "\nacme,\"m1,2025-01-01,1,1,,,,,,,,\n")
        #expect(unterminated.line >= 2)
        let scope = try error(llm: Self.llmHeader + "\n", services: Self.servicesHeader + "\nhunter,x,2025-01-01,1,,5,account\n")
        #expect(scope.line == 2 && scope.file.hasSuffix("services.csv") && scope.message.contains("quota_scope"))
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        #expect(throws: PricingError.self) { try PriceTable(directory: "/nonexistent-pricing") }
    }
}
