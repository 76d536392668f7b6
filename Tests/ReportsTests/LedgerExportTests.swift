import App
import CostLedger
import Foundation
import Pricing
import Reports
import TestSupport
import Testing

@Suite("csv export")
struct LedgerExportTests {
    /// Runs `export` into a file and returns its text.
    static func text(
        of export: LedgerExport, _ store: any LedgerStore, openReader: (@Sendable () async throws -> any LedgerStore)?,
        in directory: TemporaryDirectory
    ) async throws -> String {
        let path = directory.file("export-\(UUID().uuidString).csv")
        let output = try OutputFile(atomicPath: path)
        _ = try await export.write(from: store, openReader: openReader, to: output)
        try output.commit()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("two tasks, chunk by chunk, write the same bytes as one, in ledger order, with time and tenant filters", arguments: StoreKind.available)
    func twoTasks(_ kind: StoreKind) async throws {
        let fixture = try await BudgetFixture(kind)
        defer { fixture.directory.remove() }
        // 500 events over four days, appended out of time order, LLM requests and API calls.
        let start = CivilDate(iso: "2026-11-01")!.startMillis
        let events = (0..<500).map { index in
            let millis = start + Int64(index * 7_919 % 500) * 691_200
            let tenant = index % 3 == 0 ? "beta" : "acme"
            let usage: UsageEvent.Usage =
                index % 4 == 0
                ? .api(APICall(service: "termene", status: .success))
                : .llm(LLMCall(provider: "openai", model: "gpt-4o", tokens: LLMUsage(inputTokens: Int64(100 + index), outputTokens: 7)))
            return UsageEvent(
                id: "x\(index)", timestamp: Timestamp(millis: millis), tenantID: tenant, worker: "w", operation: "op", usage: usage)
        }
        _ = try await fixture.ledger.append(events.map { fixture.ledger.candidate($0) })
        let location = fixture.testLedger.location
        let queries = [
            RecordQuery(),
            RecordQuery(from: Timestamp(millis: start + 86_400_000), to: Timestamp(millis: start + 3 * 86_400_000)),
            RecordQuery(from: Timestamp(millis: start), to: Timestamp(millis: start + 4 * 86_400_000), tenantID: "beta"),
        ]
        for query in queries {
            let one = try await Self.text(of: LedgerExport(query: query, format: .csv), fixture.store, openReader: nil, in: fixture.directory)
            var chunked = LedgerExport(query: query, format: .csv)
            chunked.chunkSequences = 7
            let two = try await Self.text(of: chunked, fixture.store, openReader: { try await location.openReader() }, in: fixture.directory)
            #expect(two == one)
            let sequences = one.split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! }
            #expect(sequences == sequences.sorted() && sequences.count > 50, "ledger order, \(sequences.count) rows")
        }
    }
}
