import CostLedger
import SQLiteStore
import Foundation
import Pricing
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Deterministic fuzz tests of event validation and NDJSON ingest (contract section 2).
//
// A seeded generator builds NDJSON lines from valid `llm` and `api` events and mutates many of
// them; for each line it keeps what the contract says must happen (stored, duplicate, rejected
// with a given code, or — where the contract is silent — either stored or rejected). The ingest
// test then compares the ledger to that model line by line; the decoder test throws random and
// mutated bytes at `EventDecoder` and checks that it always answers with an event or a contract
// error code. Everything is reproducible from the seeds below.

@Suite("FuzzTests")
struct FuzzTests {
    static let ingestSeed: UInt64 = 0xC057_1ED6_E200_2026
    static let decoderSeed: UInt64 = 0x0DEC_0DE5_EED5_0001

    @Test("NDJSON ingest of 5,000 generated and mutated lines matches the model")
    func ingestMatchesModel() async throws {
        var generator = FuzzCorpusGenerator(seed: Self.ingestSeed)
        let corpus = generator.makeCorpus(count: 5_000, hugeLines: true)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("costledger-fuzz-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let inputPath = directory.appendingPathComponent("events.ndjson").path
        var fileBytes: [UInt8] = []
        for (index, line) in corpus.lines.enumerated() {
            fileBytes += line.bytes
            if index < corpus.lines.count - 1 { fileBytes += line.crlf ? [0x0D, 0x0A] : [0x0A] }
        }
        try Data(fileBytes).write(to: URL(fileURLWithPath: inputPath))

        let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
        let ledger = Ledger(store: store, prices: fuzzPriceTable())
        var ingest = NDJSONIngest()
        ingest.chunkLines = 997  // several chunks, so several transactions and clock reads
        ingest.clock = { Timestamp(millis: fuzzNowMillis) }

        let nonBlankLines = corpus.lines.count(where: { !$0.blank })
        let first = try await runIngest(ingest, path: inputPath, into: ledger)
        let firstTotals = first.totals
        let rejections = first.rejections

        // Every non-blank line gets exactly one answer.
        #expect(firstTotals.lines == nonBlankLines)
        #expect(firstTotals.accepted + firstTotals.duplicates + firstTotals.rejected == nonBlankLines)
        #expect(rejections.count == firstTotals.rejected)
        var rejectedByLine: [Int: EventError] = [:]
        for rejection in rejections {
            #expect(rejection.file == "fuzz.ndjson")
            #expect(rejectedByLine[rejection.line] == nil, "line \(rejection.line) was rejected twice")
            rejectedByLine[rejection.line] = rejection.error
            #expect(
                fuzzContractCodes.contains(rejection.error.code.rawValue),
                "line \(rejection.line): code \(rejection.error.code) is not a contract code")
        }

        // What was stored.
        var storedIDs: [String] = []
        var storedEvents: [String: UsageEvent] = [:]
        try await store.forEachRecord(.all) { record in
            storedIDs.append(record.event.id)
            storedEvents[record.event.id] = record.event
        }
        #expect(storedEvents.count == storedIDs.count, "an id is stored twice")

        // Line by line against the model.
        var expectedOrder: [String] = []
        var expectedDuplicates = 0
        var mismatches: [String] = []
        func mismatch(_ lineNumber: Int, _ line: FuzzLine, _ what: String) {
            if mismatches.count < 25 {
                mismatches.append("line \(lineNumber) [\(line.label)]: \(what) — \(line.preview)")
            } else if mismatches.count == 25 {
                mismatches.append("…")
            }
        }
        for (index, line) in corpus.lines.enumerated() where !line.blank {
            let lineNumber = index + 1
            let rejection = rejectedByLine[lineNumber]
            switch line.outcome {
            case .store:
                if let rejection {
                    mismatch(lineNumber, line, "expected stored, got \(rejection)")
                } else if let spec = line.spec {
                    expectedOrder.append(spec.id)
                    if let stored = storedEvents[spec.id], stored != spec.usageEvent {
                        mismatch(lineNumber, line, "stored as \(stored), expected \(spec.usageEvent)")
                    }
                }
            case .duplicate:
                expectedDuplicates += 1
                if let rejection { mismatch(lineNumber, line, "expected a duplicate, got \(rejection)") }
            case .reject(let codes):
                guard let rejection else {
                    mismatch(lineNumber, line, "expected a rejection \(codes.map { $0.sorted() } ?? ["any"]), it was not rejected")
                    continue
                }
                if let codes, !codes.contains(rejection.code.rawValue) {
                    mismatch(lineNumber, line, "expected \(codes.sorted()), got \(rejection)")
                }
                if let id = line.rejectionEventID, rejection.eventID != id {
                    mismatch(lineNumber, line, "rejection names id \(rejection.eventID ?? "nil"), expected \(id)")
                }
            case .either(let codes):
                if let rejection {
                    if !codes.contains(rejection.code.rawValue) {
                        mismatch(lineNumber, line, "if rejected, expected \(codes.sorted()), got \(rejection)")
                    }
                } else if let spec = line.spec {
                    expectedOrder.append(spec.id)
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) lines differ from the model:\n\(mismatches.joined(separator: "\n"))")

        // Exactly the expected events are stored, in input order, each once.
        #expect(Set(storedIDs) == Set(expectedOrder))
        #expect(storedIDs == expectedOrder)
        #expect(firstTotals.accepted == expectedOrder.count)
        #expect(firstTotals.duplicates == expectedDuplicates)
        #expect(try await store.recordCount() == Int64(expectedOrder.count))

        // The chain and every stored cost re-verify.
        let report = try await ledger.verify()
        #expect(report.isSound, "verify: \(report.failure?.description ?? "")")
        #expect(report.checked == Int64(storedIDs.count))

        // Idempotency: the same file again stores nothing and answers every line the same way.
        let second = try await runIngest(ingest, path: inputPath, into: ledger)
        #expect(second.totals.lines == nonBlankLines)
        #expect(second.totals.accepted == 0)
        #expect(second.totals.duplicates == firstTotals.accepted + firstTotals.duplicates)
        #expect(second.totals.rejected == firstTotals.rejected)
        #expect(second.rejections.map(\.line) == rejections.map(\.line))
        #expect(second.rejections.map(\.error.code) == rejections.map(\.error.code))
        #expect(try await store.recordCount() == Int64(expectedOrder.count))
        let again = try await ledger.verify()
        #expect(again.isSound && again.checked == Int64(expectedOrder.count))

        // The corpus really exercised what it is meant to.
        let codesSeen = Set(rejections.map(\.error.code.rawValue))
        #expect(codesSeen == fuzzContractCodes, "codes never produced: \(fuzzContractCodes.subtracting(codesSeen).sorted())")
        #expect(expectedDuplicates > 100 && expectedOrder.count > 1_000 && rejections.count > 1_500)
    }

    @Test("EventDecoder answers 20,000 random and mutated inputs with an event or a contract error")
    func decoderNeverCrashes() {
        let now = Timestamp(millis: fuzzNowMillis)
        let decoder = EventDecoder(now: now)
        var generator = FuzzCorpusGenerator(seed: Self.decoderSeed)
        let corpus = generator.makeCorpus(count: 4_000, hugeLines: false)
        var rng = SplitMix64(seed: Self.decoderSeed ^ 0x5EED)

        var failures: [String] = []
        func fail(_ message: String) {
            if failures.count < 25 { failures.append(message) }
        }
        var checked = 0
        var accepted = 0
        var roundTripFailures = 0
        var firstRoundTripFailure = ""
        var codes: [String: Int] = [:]

        func check(_ bytes: [UInt8], label: String) -> Result<UsageEvent, EventError> {
            checked += 1
            let raw = bytes.withUnsafeBytes { buffer in
                Result { () throws(EventError) -> UsageEvent in try decoder.decode(buffer) }
            }
            var results = [raw]
            // Inputs near 16 KiB are slow to scan in a debug build: they get the byte API only.
            if bytes.count <= 2_048 {
                if checked % 8 == 0 {
                    let again = bytes.withUnsafeBytes { buffer in
                        Result { () throws(EventError) -> UsageEvent in try decoder.decode(buffer) }
                    }
                    if raw != again { fail("\(label): decoding is not deterministic for \(fuzzPreview(bytes))") }
                }
                // The String API sees invalid UTF-8 already replaced by U+FFFD.
                let text = String(decoding: bytes, as: UTF8.self)
                let viaString = Result { () throws(EventError) -> UsageEvent in try decoder.decode(text) }
                if Array(text.utf8) == bytes, viaString != raw {
                    fail("\(label): decode(String) and decode(bytes) differ for \(fuzzPreview(bytes))")
                }
                results.append(viaString)
            }
            for result in results {
                switch result {
                case .success(let event):
                    accepted += 1
                    if let problem = fuzzInvariantViolation(event, latest: decoder.latestAccepted) {
                        fail("\(label): accepted an invalid event (\(problem)) from \(fuzzPreview(bytes))")
                    }
                    let canonical = event.canonicalBytes
                    let back = canonical.withUnsafeBytes { buffer in
                        Result { () throws(EventError) -> UsageEvent in try decoder.decode(buffer) }
                    }
                    if back != .success(event) {
                        roundTripFailures += 1
                        if firstRoundTripFailure.isEmpty {
                            firstRoundTripFailure = "\(String(decoding: canonical, as: UTF8.self)) → \(back)"
                        }
                    }
                case .failure(let error):
                    codes[error.code.rawValue, default: 0] += 1
                    if !fuzzContractCodes.contains(error.code.rawValue) || error.code == .idConflict {
                        fail("\(label): code \(error.code) is not a decoder contract code, for \(fuzzPreview(bytes))")
                    }
                }
            }
            return raw
        }

        // 1. The generated corpus, against the model (ledger-level answers aside).
        let modelled = corpus.lines.filter { !$0.blank }
        for line in modelled {
            let result = check(line.bytes, label: "corpus[\(line.label)]")
            if let spec = line.spec, line.outcome.decodes {
                if result != .success(spec.usageEvent) {
                    fail("corpus[\(line.label)]: expected \(spec.usageEvent), got \(result) for \(line.preview)")
                }
            } else if case .reject(let expected?) = line.outcome {
                switch result {
                case .success(let event): fail("corpus[\(line.label)]: expected \(expected.sorted()), decoded \(event) from \(line.preview)")
                case .failure(let error) where !expected.contains(error.code.rawValue):
                    fail("corpus[\(line.label)]: expected \(expected.sorted()), got \(error) for \(line.preview)")
                default: break
                }
            }
        }

        // 2. Byte-level mutations of generated lines, random byte strings and random token soup.
        let smallLines = modelled.filter { $0.bytes.count <= 2_048 }
        let total = 20_000
        var index = 0
        while checked < total {
            index += 1
            var bytes: [UInt8]
            switch rng.below(10) {
            case 0...4:
                bytes = rng.pick(smallLines).bytes
                for _ in 0..<(1 + rng.below(4)) { fuzzMutateBytes(&bytes, &rng) }
            case 5, 6:
                bytes = (0..<rng.below(96)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:
                bytes = []
                for _ in 0..<rng.below(40) { bytes += Array(rng.pick(fuzzTokenSoup).utf8) }
            }
            _ = check(bytes, label: "random[\(index)]")
        }

        #expect(failures.isEmpty, "\(failures.count)+ problems:\n\(failures.joined(separator: "\n"))")
        #expect(accepted > 1_000, "too few inputs decoded to an event: \(accepted)")
        #expect(codes.keys.count >= 7, "codes seen: \(codes)")
        // The canonical bytes are documented as a JSON object with the same content.
        #expect(roundTripFailures == 0, "accepted events that do not round-trip through canonicalBytes; first: \(firstRoundTripFailure)")
    }

    @Test("A CRLF line of exactly 16 KiB is judged the same wherever the 1 MiB read blocks split the file")
    func crlfLineAtReadBlockBoundary() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("costledger-fuzz-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // A valid event of exactly maxEventBytes bytes, ended by CRLF.
        var event = b(#"{"id":"crlf-edge","kind":"api","timestamp":"2026-11-20T10:00:00Z","tenant_id":"t","worker":"w","operation":"o","service":"s","status":"success","pad":""#)
        event += Array(repeating: UInt8(ascii: "x"), count: EventDecoder.maxEventBytes - event.count - 2) + b("\"}")
        try #require(event.count == EventDecoder.maxEventBytes)
        // NDJSONIngest reads 1 MiB blocks: a first (oversized) line of this length puts the event's
        // CR on the last byte of the first block, and its LF at the start of the next.
        let blockSize = 1 << 20
        for firstLineLength in [blockSize - 1 - (event.count + 1) - 1, blockSize - 1 - (event.count + 1), blockSize - 1 - (event.count + 1) + 1] {
            let path = directory.appendingPathComponent("edge-\(firstLineLength).ndjson").path
            let file = Array(repeating: UInt8(ascii: "z"), count: firstLineLength) + [0x0A] + event + [0x0D, 0x0A]
            try Data(file).write(to: URL(fileURLWithPath: path))
            let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("edge-\(firstLineLength).sqlite").path)
            let ledger = Ledger(store: store, prices: fuzzPriceTable())
            var ingest = NDJSONIngest()
            ingest.clock = { Timestamp(millis: fuzzNowMillis) }
            let (totals, rejections) = try await runIngest(ingest, path: path, into: ledger)
            #expect(totals.lines == 2)
            #expect(rejections.first?.line == 1 && rejections.first?.error.code == .invalidValue)
            let eventRejection = rejections.first { $0.line == 2 }
            #expect(eventRejection == nil, "first line \(firstLineLength) bytes: \(eventRejection.map { "\($0.error)" } ?? "")")
            #expect(totals.accepted == 1)
        }
    }

    private func runIngest(_ ingest: NDJSONIngest, path: String, into ledger: Ledger) async throws -> (
        totals: IngestTotals, rejections: [IngestRejection]
    ) {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0, "cannot open \(path)")
        defer { close(descriptor) }
        var rejections: [IngestRejection] = []
        let totals = try await ingest.run([IngestSource(name: "fuzz.ndjson", descriptor: descriptor)], into: ledger) {
            rejections.append($0)
        }
        return (totals, rejections)
    }
}

// MARK: - The clock, prices and contract codes

/// The server clock of both tests: 2026-11-24T12:00:00Z.
private let fuzzNowMillis: Int64 = Timestamp(rfc3339: "2026-11-24T12:00:00Z")!.millis
/// The latest accepted timestamp: one hour ahead of the clock.
private let fuzzLimitMillis: Int64 = fuzzNowMillis + 3_600_000
private let fuzzEarliestMillis: Int64 = Timestamp(rfc3339: "0001-01-01T00:00:00Z")!.millis

private let fuzzContractCodes: Set<String> = [
    "invalid_json", "missing_field", "invalid_type", "invalid_value", "invalid_timestamp",
    "timestamp_in_future", "cached_exceeds_input", "unknown_kind", "id_conflict",
]

private func fuzzPriceTable() -> PriceTable {
    func d(_ text: String) -> Decimal6 { Decimal6(text)! }
    let january = CivilDate(year: 2026, month: 1, day: 1)!
    let november = CivilDate(year: 2026, month: 11, day: 1)!
    return try! PriceTable(
        llm: [
            LLMPriceRow(
                provider: "anthropic", model: "claude-sonnet-4", effectiveFrom: january, input: d("3.00"), output: d("15.00"),
                cacheRead: d("0.30"), cacheWrite: d("3.75"), batchDiscount: d("0.5"),
                longContext: LongContextTier(threshold: 200_000, input: d("6.00"), output: d("22.50")),
                aliases: ["claude-sonnet-4-latest"]),
            LLMPriceRow(
                provider: "anthropic", model: "claude-sonnet-4", effectiveFrom: november, input: d("2.50"), output: d("12.50"),
                cacheRead: d("0.25"), batchDiscount: d("0.5"), aliases: ["claude-sonnet-4-latest"]),
            LLMPriceRow(provider: "openai", model: "*", effectiveFrom: january, input: d("2.00"), output: d("8.00")),
            LLMPriceRow(provider: "*", model: "*", effectiveFrom: CivilDate(year: 2000, month: 1, day: 1)!, input: d("5.00"), output: d("15.00")),
        ],
        services: [
            ServicePriceRow(service: "hunter", operation: "email_finder", effectiveFrom: january, pricePerCall: d("0.049"), freeQuotaPerMonth: 25),
            ServicePriceRow(
                service: "resend", operation: "send", effectiveFrom: january, pricePerUnit: d("0.0004"), freeQuotaPerMonth: 10,
                quotaScope: .tenant),
        ])
}

// MARK: - The model

private enum FuzzKind { case llm, api }

/// A valid event, normalised: what the ledger must store for it.
private struct FuzzSpec: Equatable {
    var id: String
    var kind: FuzzKind
    var millis: Int64
    var tenant: String
    var worker: String
    var operation: String
    var conversation: String?
    var provider = ""
    var model = ""
    var input: Int64 = 0
    var output: Int64 = 0
    var cached: Int64 = 0
    var cacheWrite: Int64 = 0
    var batch = false
    var fingerprint: String?
    var status = "success"
    var service = ""
    var units: Int64 = 1
    var requestKey: String?

    var usageEvent: UsageEvent {
        let usage: UsageEvent.Usage
        switch kind {
        case .llm:
            usage = .llm(
                LLMCall(
                    provider: provider, model: model,
                    tokens: LLMUsage(inputTokens: input, outputTokens: output, cachedTokens: cached, cacheWriteTokens: cacheWrite, batch: batch),
                    promptFingerprint: fingerprint, status: CallStatus(rawValue: status)!))
        case .api:
            usage = .api(APICall(service: service, units: units, status: CallStatus(rawValue: status)!, requestKey: requestKey))
        }
        return UsageEvent(
            id: id, timestamp: Timestamp(millis: millis), tenantID: tenant, worker: worker, operation: operation,
            conversationID: conversation, usage: usage)
    }
}

/// What the ledger must do with a line.
private enum FuzzOutcome {
    /// Stored as `spec`.
    case store
    /// The same content is already stored.
    case duplicate
    /// Rejected, with one of these codes (nil: any contract code).
    case reject(Set<String>?)
    /// The contract is silent: stored as `spec`, or rejected with one of these codes.
    case either(Set<String>)

    /// Whether the line, alone, decodes to its `spec`.
    var decodes: Bool {
        switch self {
        case .store, .duplicate: true
        case .reject(let codes): codes == ["id_conflict"]
        case .either: false
        }
    }
}

private struct FuzzLine {
    var bytes: [UInt8]
    var outcome: FuzzOutcome
    /// The event the line holds when it is valid (for `id_conflict`, the conflicting content).
    var spec: FuzzSpec?
    var label: String
    var blank = false
    var crlf = false
    /// The id a rejection must name, when the line is an object with a readable id.
    var rejectionEventID: String?

    var preview: String { fuzzPreview(bytes) }
}

private struct FuzzCorpus {
    var lines: [FuzzLine]
}

private func fuzzPreview(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(260), as: UTF8.self).debugDescription
    return bytes.count > 260 ? "\(text)… (\(bytes.count) bytes)" : text
}

/// A member of a rendered JSON object: the field it stands for, its key text and its value text.
private struct FuzzMember {
    var name: String
    var key: [UInt8]
    var value: [UInt8]
}

extension [FuzzMember] {
    /// Adds a member the event does not read, replacing one with the same key: a key given twice
    /// in one object is `invalid_value`.
    fileprivate mutating func addUnknown(_ key: [UInt8], _ value: [UInt8]) {
        removeAll { $0.name == "?" && $0.key == key }
        append(FuzzMember(name: "?", key: key, value: value))
    }
}

private func b(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: - Generator

private let fuzzTenants = ["acme", "t-1", "tenant.b", "Beta_Co", "x", "org:42/eu@prod+1", "0"]
private let fuzzWorkers = ["ai-agent-core", "enricher", "w1", "mail/sender"]
private let fuzzLLMOperations = ["classification", "summarize", "email_finder", "draft-reply"]
private let fuzzModels: [(String, String)] = [
    ("anthropic", "claude-sonnet-4"), ("anthropic", "claude-sonnet-4-latest"), ("anthropic", "claude-haiku"),
    ("openai", "gpt-4o"), ("openai", "gpt-4.1-mini"), ("mistral", "large-2"), ("google", "gemini-2.5-pro"),
]
private let fuzzServices: [(String, String)] = [
    ("hunter", "email_finder"), ("resend", "send"), ("termene", "company_info"), ("google_maps", "geocode"), ("hunter", "verify"),
]
private let fuzzOffsets = [0, 0, 0, 120, -480, 330, -210, 840, -720, 1439, -1439, 60]

private let fuzzUnknownMembers: [(String, String)] = [
    ("note", "\"hello 😀 café e\u{301} 中文 \u{FDFD} \u{10FFFF}\""),
    ("escapes", #""\ud83d\ude00 \u00e9 \u0000 \" \\ \/ \b\f\n\r\t \uFFFF \uD834\uDD1E \u0301""#),
    ("meta", #"{"a":[1,2,{"b":null}],"c":1e400,"d":-0.5E-10,"e":"x","id":7,"kind":false,"timestamp":[]}"#),
    ("big", "99999999999999999999999999"),
    ("neg", "-1"),
    ("huge", "1e400"),
    ("tiny", "-1.5e-400"),
    ("zero", "-0.0e0"),
    ("😀", "true"),
    ("arr", "[]"),
    ("obj", "{}"),
    ("nul", "null"),
    ("Id", "\"not-the-id\""),
    ("KIND", "\"weird\""),
    ("", "\"empty key\""),
    ("tenant_ids", "[1,2]"),
    ("emoji_key_😀e\u{301}", "\"x\""),
    ("nested_event", #"{"id":"x","kind":"api","timestamp":"bad","units":0}"#),
    ("tenant\\u005fidx", "1"),
    ("cr\\u000dlf", "\"a\\r\\nb\""),
]

/// String bodies that make a line not JSON (RFC 8259: UTF-8, escapes, no raw control characters).
private let fuzzBadStringBodies: [[UInt8]] = [
    b("a\\ud800"), b("\\udc00a"), b("a\\ud800\\u0041"), b("\\ud83d"), b("\\ud83d\\ud83d"), b("x\\uDFFF"),
    [0x61, 0xC0, 0xAF], [0x80], [0x61, 0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE],
    [0xF8, 0x88, 0x80, 0x80, 0x80], [0x61, 0xC2], [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80], [0xC1, 0xBF],
    [0x61, 0x00, 0x62], [0x01], [0x09], [0x1F], [0x0D, 0x61], [0x7F, 0x08],
    b("\\x41"), b("\\u12x"), b("\\u12G4"), b("\\U0041"), b("\\'"), b("\\a"), b("\\0"),
]

private struct FuzzCorpusGenerator {
    var rng: SplitMix64
    private var counter = 0
    /// Valid events stored so far, by id, in order.
    private var stored: [FuzzSpec] = []
    private var storedIndex: [String: Int] = [:]
    /// Fresh ids that appeared only in rejected lines: free to be stored later.
    private var rejectedIDs: [String] = []
    private let lowMillis = Timestamp(rfc3339: "2026-09-01T00:00:00Z")!.millis

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    mutating func makeCorpus(count: Int, hugeLines: Bool) -> FuzzCorpus {
        var lines: [FuzzLine] = []
        lines.reserveCapacity(count + 1)
        for index in 0..<count {
            var line: FuzzLine
            if hugeLines && index == 1_234 {
                line = oversized(bytes: 1_500_000, label: "oversized 1.5 MB")
            } else if hugeLines && index == 3_456 {
                line = oversized(bytes: 3_000_000, label: "oversized 3 MB")
            } else {
                line = nextLine()
            }
            line.crlf = rng.percent(5)
            lines.append(line)
        }
        // The file ends without a newline, on a valid event.
        lines.append(freshValid(label: "last line, no newline"))
        return FuzzCorpus(lines: lines)
    }

    private mutating func nextLine() -> FuzzLine {
        let roll = rng.below(100)
        switch roll {
        case 0..<3:
            let text = rng.pick(["", " ", "\t\t", " \t "])
            return FuzzLine(bytes: b(text), outcome: .store, label: "blank", blank: true)
        case 3..<38:
            if rng.percent(6), !rejectedIDs.isEmpty {
                let id = rejectedIDs.removeLast()
                return storeLine(validSpec(id: id), label: "valid, id of a rejected line")
            }
            return freshValid(label: "valid")
        case 38..<46 where !stored.isEmpty:
            let spec = rng.pick(stored)
            return FuzzLine(bytes: render(members(spec)), outcome: .duplicate, spec: spec, label: "duplicate, same content")
        case 46..<50 where !stored.isEmpty:
            let original = rng.pick(stored)
            let (changed, what) = conflicting(original)
            return FuzzLine(
                bytes: render(members(changed)), outcome: .reject(["id_conflict"]), spec: changed,
                label: "duplicate id, different \(what)", rejectionEventID: original.id)
        default:
            return mutated()
        }
    }

    private mutating func freshID() -> String {
        counter += 1
        let n = counter
        switch rng.below(7) {
        case 0: return "evt-\(n)"
        case 1: return "\(n).a_b:c/d@e+f-g"
        case 2: return "Z\(n)"
        case 3:
            let base = "long-\(n)-"
            return base + String(repeating: "x", count: 128 - base.count)  // exactly 128 characters
        case 4: return String(n, radix: 16)
        case 5: return "req_\(n)@svc/\(n % 7)"
        default: return "\(UInt32(truncatingIfNeeded: n &* 2_654_435_761))-\(n)"
        }
    }

    private mutating func freshValid(label: String) -> FuzzLine {
        storeLine(validSpec(id: freshID()), label: label)
    }

    private mutating func storeLine(_ spec: FuzzSpec, label: String) -> FuzzLine {
        remember(spec)
        return FuzzLine(bytes: render(members(spec)), outcome: .store, spec: spec, label: label)
    }

    private mutating func remember(_ spec: FuzzSpec) {
        precondition(storedIndex[spec.id] == nil, "generator bug: \(spec.id) stored twice")
        storedIndex[spec.id] = stored.count
        stored.append(spec)
    }

    private mutating func timestampMillis() -> Int64 {
        switch rng.below(60) {
        case 0: return fuzzLimitMillis  // exactly one hour ahead: still accepted
        case 1: return fuzzLimitMillis - 1
        case 2: return fuzzEarliestMillis
        case 3: return -1  // 1969-12-31T23:59:59.999Z
        case 4: return Timestamp(rfc3339: "2024-02-29T12:34:56.789Z")!.millis
        case 5: return Timestamp(rfc3339: "2000-01-01T00:00:00Z")!.millis - 1
        default: return rng.int(lowMillis...fuzzLimitMillis)
        }
    }

    private mutating func validSpec(id: String) -> FuzzSpec {
        var spec = FuzzSpec(
            id: id, kind: rng.percent(60) ? .llm : .api, millis: timestampMillis(), tenant: rng.pick(fuzzTenants),
            worker: rng.pick(fuzzWorkers), operation: "", conversation: rng.percent(40) ? "conv-\(rng.below(60))" : nil)
        switch spec.kind {
        case .llm:
            spec.operation = rng.pick(fuzzLLMOperations)
            (spec.provider, spec.model) = rng.pick(fuzzModels)
            switch rng.below(20) {
            case 0: spec.input = 0
            case 1: spec.input = 100_000_000
            case 2...4: spec.input = rng.int(150_000...400_000)  // around the long-context threshold
            default: spec.input = rng.int(0...60_000)
            }
            spec.output = rng.below(25) == 0 ? 100_000_000 : rng.int(0...8_000)
            if rng.percent(40) {
                spec.cached = rng.int(0...spec.input)
                spec.cacheWrite = rng.percent(50) ? rng.int(0...(spec.input - spec.cached)) : 0
                if rng.percent(10) { spec.cacheWrite = spec.input - spec.cached }  // exactly input_tokens
            }
            spec.batch = rng.percent(20)
            spec.fingerprint = rng.percent(30) ? "fp-\(String(rng.next() % 0xFFFFFF, radix: 16))" : nil
            spec.status = rng.percent(90) ? "success" : "error"
        case .api:
            (spec.service, spec.operation) = rng.pick(fuzzServices)
            switch rng.below(20) {
            case 0: spec.units = 1_000_000
            case 1...12: spec.units = 1
            default: spec.units = rng.int(1...500)
            }
            spec.status = rng.percent(85) ? "success" : "error"
            spec.requestKey = rng.percent(30) ? "company:\(rng.below(40))" : nil
        }
        return spec
    }

    /// The same id with different content, itself valid.
    private mutating func conflicting(_ original: FuzzSpec) -> (FuzzSpec, String) {
        var spec = original
        switch rng.below(6) {
        case 0:
            spec.tenant = rng.pick(fuzzTenants.filter { $0 != original.tenant })
            return (spec, "tenant")
        case 1:
            spec.millis += original.millis < fuzzLimitMillis ? 1 : -1
            return (spec, "timestamp (1 ms)")
        case 2:
            spec.conversation = original.conversation == nil ? "conv-conflict" : nil
            return (spec, "conversation_id")
        case 3:
            spec.status = original.status == "success" ? "error" : "success"
            return (spec, "status")
        case 4:
            var other = validSpec(id: original.id)
            other.kind = original.kind == .llm ? .api : .llm
            other = reshaped(other)
            return (other, "kind")
        default:
            switch spec.kind {
            case .llm:
                if rng.percent(50) {
                    spec.batch.toggle()
                    return (spec, "batch")
                }
                spec.output += original.output < 100_000_000 ? 1 : -1
                return (spec, "output_tokens")
            case .api:
                spec.units += original.units < 1_000_000 ? 1 : -1
                return (spec, "units")
            }
        }
    }

    /// Fills in the fields of a spec whose kind was changed.
    private mutating func reshaped(_ spec: FuzzSpec) -> FuzzSpec {
        var out = spec
        switch spec.kind {
        case .llm:
            (out.provider, out.model) = rng.pick(fuzzModels)
            out.input = rng.int(0...5_000)
            out.output = rng.int(0...5_000)
            out.cached = 0
            out.cacheWrite = 0
            out.batch = false
            out.fingerprint = nil
            out.service = ""
            out.units = 1
            out.requestKey = nil
        case .api:
            (out.service, out.operation) = rng.pick(fuzzServices)
            out.units = rng.int(1...10)
            out.provider = ""
            out.model = ""
            out.input = 0
            out.output = 0
            out.cached = 0
            out.cacheWrite = 0
            out.batch = false
            out.fingerprint = nil
        }
        return out
    }

    // MARK: Rendering

    /// An RFC 3339 text of `millis` in some offset, with sub-millisecond digits that are truncated away.
    private mutating func timestampText(_ millis: Int64) -> String {
        var offset = rng.pick(fuzzOffsets)
        if millis < Timestamp(rfc3339: "0002-01-01T00:00:00Z")!.millis { offset = 0 }
        return rfc3339(millis, offsetMinutes: offset, subMillis: rng.percent(20) ? String(rng.int(0...9_999)) : "")
    }

    private mutating func rfc3339(_ millis: Int64, offsetMinutes: Int, subMillis: String = "") -> String {
        let local = millis + Int64(offsetMinutes) * 60_000
        let date = CivilDate(utcMillis: local)
        let (year, month, day) = date.components
        let inDay = local - date.startMillis
        func p(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(p(year, 4))-\(p(month, 2))-\(p(day, 2))\(rng.percent(8) ? "t" : "T")"
        text += "\(p(inDay / 3_600_000, 2)):\(p(inDay / 60_000 % 60, 2)):\(p(inDay / 1000 % 60, 2))"
        let ms = inDay % 1000
        if ms != 0 || !subMillis.isEmpty || rng.percent(40) {
            text += ".\(p(ms, 3))\(subMillis)"
        }
        if offsetMinutes == 0 {
            text += rng.pick(["Z", "Z", "Z", "z", "+00:00", "-00:00"])
        } else {
            let magnitude = abs(offsetMinutes)
            text += "\(offsetMinutes < 0 ? "-" : "+")\(p(Int64(magnitude / 60), 2)):\(p(Int64(magnitude % 60), 2))"
        }
        return text
    }

    /// A JSON string of ASCII `text`, with some characters needlessly escaped (same value).
    private mutating func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            if byte == 0x22 || byte == 0x5C {
                out += [0x5C, byte]
            } else if byte == UInt8(ascii: "/") && rng.percent(30) {
                out += b("\\/")
            } else if byte < 0x80 && rng.below(40) == 0 {
                let hex = String(byte, radix: 16)
                out += b("\\u00" + (rng.percent(50) ? hex : hex.uppercased()))
            } else {
                out.append(byte)
            }
        }
        out.append(0x22)
        return out
    }

    private mutating func integer(_ value: Int64) -> [UInt8] {
        value == 0 && rng.below(30) == 0 ? b("-0") : b(String(value))
    }

    private mutating func member(_ name: String, _ value: [UInt8]) -> FuzzMember {
        var key = b("\"\(name)\"")
        if rng.below(50) == 0 {
            // The same key with one character escaped.
            let escapedOffset = rng.below(name.utf8.count)
            var escaped: [UInt8] = [0x22]
            for (offset, byte) in name.utf8.enumerated() {
                escaped += offset == escapedOffset ? fuzzUnicodeEscape(byte) : [byte]
            }
            key = escaped + [0x22]
        }
        return FuzzMember(name: name, key: key, value: value)
    }

    /// The members of a valid rendering of `spec`: defaults present, absent or null, unknown fields added, any order.
    private mutating func members(_ spec: FuzzSpec) -> [FuzzMember] {
        var out: [FuzzMember] = []
        func optional(_ name: String, _ value: String?) {
            if let value {
                out.append(member(name, jsonString(value)))
            } else if rng.percent(30) {
                out.append(member(name, b("null")))
            }
        }
        func defaulted(_ name: String, _ value: [UInt8], isDefault: Bool) {
            if !isDefault {
                out.append(member(name, value))
                return
            }
            switch rng.below(3) {
            case 0: out.append(member(name, value))
            case 1: out.append(member(name, b("null")))
            default: break
            }
        }
        out.append(member("id", jsonString(spec.id)))
        out.append(member("kind", jsonString(spec.kind == .llm ? "llm" : "api")))
        out.append(member("timestamp", jsonString(timestampText(spec.millis))))
        out.append(member("tenant_id", jsonString(spec.tenant)))
        out.append(member("worker", jsonString(spec.worker)))
        out.append(member("operation", jsonString(spec.operation)))
        optional("conversation_id", spec.conversation)
        switch spec.kind {
        case .llm:
            out.append(member("provider", jsonString(spec.provider)))
            out.append(member("model", jsonString(spec.model)))
            out.append(member("input_tokens", integer(spec.input)))
            out.append(member("output_tokens", integer(spec.output)))
            defaulted("cached_tokens", integer(spec.cached), isDefault: spec.cached == 0)
            defaulted("cache_write_tokens", integer(spec.cacheWrite), isDefault: spec.cacheWrite == 0)
            defaulted("batch", b(spec.batch ? "true" : "false"), isDefault: !spec.batch)
            optional("prompt_fingerprint", spec.fingerprint)
            defaulted("status", jsonString(spec.status), isDefault: spec.status == "success")
        case .api:
            out.append(member("service", jsonString(spec.service)))
            defaulted("units", integer(spec.units), isDefault: spec.units == 1)
            out.append(member("status", jsonString(spec.status)))
            optional("request_key", spec.requestKey)
        }
        if rng.percent(30) {
            for _ in 0...rng.below(3) {
                let (name, value) = rng.pick(fuzzUnknownMembers)
                out.addUnknown(b("\"\(name)\""), b(value))
            }
        }
        if rng.percent(5) {
            out.addUnknown(b("\"deep\""), nested(depth: 1 + rng.below(40)))
        }
        rng.shuffle(&out)
        return out
    }

    private mutating func nested(depth: Int) -> [UInt8] {
        if rng.percent(50) {
            return Array(repeating: UInt8(ascii: "["), count: depth) + b("0") + Array(repeating: UInt8(ascii: "]"), count: depth)
        }
        return Array(b(#"{"a":"#).repeated(depth)) + b("null") + Array(repeating: UInt8(ascii: "}"), count: depth)
    }

    private mutating func whitespace(_ compact: Bool = false) -> [UInt8] {
        compact || rng.percent(85) ? [] : b(rng.pick([" ", "  ", "\t", " \t", "\r", " \r "]))
    }

    /// One line of JSON text. `plain`: no surrounding whitespace (for exact sizes and truncation).
    private mutating func render(
        _ members: [FuzzMember], plain: Bool = false, compact: Bool = false, separator: [UInt8]? = nil, colon: [UInt8]? = nil
    ) -> [UInt8] {
        var out: [UInt8] = plain || compact ? [] : whitespace()
        out.append(UInt8(ascii: "{"))
        for (i, m) in members.enumerated() {
            if i > 0 { out += separator ?? (whitespace(compact) + b(",")) }
            out += whitespace(compact) + m.key + whitespace(compact) + (colon ?? b(":")) + whitespace(compact) + m.value
        }
        out += whitespace(compact)
        out.append(UInt8(ascii: "}"))
        if !plain && !compact && rng.percent(10) { out += b(rng.pick([" ", "\t", "  "])) }
        return out
    }

    // MARK: Mutations

    private static func identifierFields(_ kind: FuzzKind) -> [String] {
        ["id", "tenant_id", "worker", "operation", "conversation_id"]
            + (kind == .llm ? ["provider", "model", "prompt_fingerprint"] : ["service", "request_key"])
    }

    private static func requiredFields(_ kind: FuzzKind) -> [String] {
        ["id", "kind", "timestamp", "tenant_id", "worker", "operation"]
            + (kind == .llm ? ["provider", "model", "input_tokens", "output_tokens"] : ["service", "status"])
    }

    private static func integerFields(_ kind: FuzzKind) -> [String] {
        kind == .llm ? ["input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"] : ["units"]
    }

    private mutating func set(_ name: String, _ value: [UInt8], in members: inout [FuzzMember]) {
        if let index = members.firstIndex(where: { $0.name == name }) {
            members[index].value = value
        } else {
            members.insert(FuzzMember(name: name, key: b("\"\(name)\""), value: value), at: rng.below(members.count + 1))
        }
    }

    private func removing(_ name: String, from members: [FuzzMember]) -> [FuzzMember] {
        members.filter { $0.name != name }
    }

    private func quoted(_ body: [UInt8]) -> [UInt8] { [0x22] + body + [0x22] }

    /// A line built from a valid event with one (sometimes two) mutations, and what must happen to it.
    private mutating func mutated() -> FuzzLine {
        // Sometimes the base is an event already stored: validation comes before the duplicate check.
        let useStored = !stored.isEmpty && rng.percent(15)
        let spec = useStored ? rng.pick(stored) : validSpec(id: freshID())
        var line = mutation(of: spec, base: useStored ? "stored" : "fresh")
        if case .either = line.outcome, useStored {
            // Only fresh ids may end up either way: redo on a fresh base.
            line = mutation(of: validSpec(id: freshID()), base: "fresh")
        }
        if case .either = line.outcome {
            // May be stored: its id must stay unique, so it is neither reused nor stored again.
            if let spec = line.spec { storedIndex[spec.id] = -1 }
        } else if case .reject = line.outcome, !useStored, storedIndex[spec.id] == nil {
            rejectedIDs.append(spec.id)
        } else if case .store = line.outcome, let stored = line.spec {
            remember(stored)
        }
        return line
    }

    private mutating func mutation(of spec: FuzzSpec, base: String) -> FuzzLine {
        var m = members(spec)
        let identifiers = Self.identifierFields(spec.kind)
        let integers = Self.integerFields(spec.kind)
        var eventID: String? = spec.id
        func line(_ bytes: [UInt8], _ outcome: FuzzOutcome, _ label: String, spec keep: FuzzSpec? = nil) -> FuzzLine {
            FuzzLine(bytes: bytes, outcome: outcome, spec: keep, label: "\(base): \(label)", rejectionEventID: eventID)
        }
        func rejected(_ codes: Set<String>?, _ label: String) -> FuzzLine {
            line(render(m), .reject(codes), label)
        }

        switch rng.below(30) {
        case 0:  // a required field missing
            let field = rng.pick(Self.requiredFields(spec.kind))
            if field == "id" { eventID = nil }
            m = removing(field, from: m)
            return rejected(["missing_field"], "missing \(field)")
        case 1:  // a required field null
            let field = rng.pick(Self.requiredFields(spec.kind))
            if field == "id" { eventID = nil }
            set(field, b("null"), in: &m)
            return rejected(["missing_field"], "null \(field)")
        case 2:  // a required field under a near-miss key
            let field = rng.pick(Self.requiredFields(spec.kind))
            if field == "id" { eventID = nil }
            let key = rng.pick([field.uppercased(), field.capitalized, field + " ", " " + field, field + "s", "_" + field, field + "\\u0000"])
            if let index = m.firstIndex(where: { $0.name == field }) {
                m[index].key = b("\"\(key)\"")
                m[index].name = "?"
            }
            return rejected(["missing_field"], "key \(key.debugDescription) for \(field)")
        case 3:  // an identifier (or kind, timestamp) of the wrong JSON type
            let field = rng.pick(identifiers + ["kind", "timestamp", "kind", "timestamp"])
            if field == "id" { eventID = nil }
            let value = rng.pick(["42", "-1", "0", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":1}", "1.5", "1e400", "99999999999999999999"])
            set(field, b(value), in: &m)
            return rejected(["invalid_type"], "\(field) = \(value)")
        case 4:  // an integer field of the wrong JSON type
            let field = rng.pick(integers)
            let value = rng.pick(["\"12\"", "\"\"", "\"1e3\"", "true", "false", "[]", "{}", "[1]", "12.5", "-0.5", "1.0e-3", "0.1"])
            set(field, b(value), in: &m)
            return rejected(["invalid_type"], "\(field) = \(value)")
        case 5:  // a number that is a whole number written with a fraction or exponent: the contract is silent
            let field = rng.pick(integers)
            let value = rng.pick(["100.0", "1e2", "1E+2", "0.0", "1.0", "5e0"])
            set(field, b(value), in: &m)
            return line(render(m), .either(["invalid_type", "invalid_value", "cached_exceeds_input"]), "\(field) = \(value)", spec: spec)
        case 6:  // numbers far too big to be a count, in any notation
            let field = rng.pick(integers)
            let value = rng.pick(["1e400", "-1e400", "1.7976931348623157e309", "123456789012345678901234567890.5", "1E999999999"])
            set(field, b(value), in: &m)
            return rejected(["invalid_type", "invalid_value"], "\(field) = \(value)")
        case 7:  // integers out of range
            let field = rng.pick(integers)
            let value: String
            if field == "units" {
                value = rng.pick(["0", "-0", "-1", "1000001", "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809"])
            } else {
                value = rng.pick([
                    "-1", "100000001", "99999999999999999999", "-99999999999999999999", "9223372036854775807",
                    "9223372036854775808", "-9223372036854775808", "1000000000000", "-100000000",
                ])
            }
            set(field, b(value), in: &m)
            return rejected(["invalid_value"], "\(field) = \(value)")
        case 8:  // batch not a boolean (llm) / status of the wrong type
            if spec.kind == .llm && rng.percent(60) {
                let value = rng.pick(["\"true\"", "1", "0", "\"false\"", "[]", "{}", "\"yes\""])
                set("batch", b(value), in: &m)
                return rejected(["invalid_type"], "batch = \(value)")
            }
            let value = rng.pick(["1", "true", "[]", "{}", "0.5"])
            set("status", b(value), in: &m)
            return rejected(["invalid_type"], "status = \(value)")
        case 9:  // status not success or error
            let value = rng.pick(["\"ok\"", "\"SUCCESS\"", "\"\"", "\"failed\"", "\"success \"", "\"erro\\u0072x\"", "\"success\\u0000\""])
            set("status", b(value), in: &m)
            return rejected(["invalid_value"], "status = \(value)")
        case 10, 11:  // an identifier that breaks the pattern or the length limit
            let field = rng.pick(identifiers)
            let value = rng.pick([
                "\"\"", "\" x\"", "\"-x\"", "\"=SUM(A1)\"", "\"+cmd\"", "\"@x\"", "\"a b\"", "\"_x\"", "\".x\"", "\"a,b\"",
                "\"a;b\"", "\"a\\\"b\"", "\"a\\\\b\"", "\"tenant😀\"", "\"te\u{301}nant\"", "\"te\\u0301nant\"", "\"tenant-ă\"",
                "\"a\\u0000b\"", "\"a\\tb\"", "\"a\\nb\"", "\"\\u00e9t\"", "\"ﬁ\"", "\"Ａ\"", "\"١٢\"", "\"a\\u2028\"",
                "\"\(String(repeating: "a", count: 129))\"", "\"\(String(repeating: "9", count: 200))\"", "\"😀\"",
            ])
            if field == "id" { eventID = nil }
            set(field, b(value), in: &m)
            return rejected(["invalid_value"], "\(field) = \(value)")
        case 12, 13:  // not JSON inside a field the event reads
            let field = rng.pick(identifiers + ["kind", "timestamp", "status"])
            eventID = nil
            let body = rng.pick(fuzzBadStringBodies)
            set(field, quoted(rng.percent(50) ? b("ab") + body : body + b("cd")), in: &m)
            return rejected(["invalid_json"], "\(field) holds \(fuzzPreview(body))")
        case 14:  // not JSON inside an unknown field or key
            eventID = nil
            let body = rng.pick(fuzzBadStringBodies)
            let bad = rng.percent(70)
                ? FuzzMember(name: "?", key: b("\"comment\""), value: quoted(body))
                : FuzzMember(name: "?", key: quoted(body), value: b("1"))
            m.insert(bad, at: rng.below(m.count + 1))
            return rejected(["invalid_json"], "unknown field holds \(fuzzPreview(body))")
        case 15, 16:  // timestamps that are not RFC 3339 date-times with an offset
            let value = rng.pick([
                "2026-11-20T10:00:00", "2026-02-30T10:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20", "2026-11-20T10:00Z",
                "2026-11-20T10:60:00Z", "2026-11-20T10:00:00+0200", "2026-11-20T10:00:00+02", "2026-11-20T10:00:00.Z",
                "2026-11-20T10:00:00 Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
                "2026-11-31T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "", "now", "1732449600",
                "2026-11-20T10:00:00+24:00", "2026-11-20T10:00:00+02:60", "26-11-20T10:00:00Z", "+2026-11-20T10:00:00Z",
                "2026-11-20T10:00:00ZZ", "2026-11-20T10:00:00Z ", " 2026-11-20T10:00:00Z", "2026-11-20T1:00:00Z",
                "２０２６-11-20T10:00:00Z", "2026/11/20T10:00:00Z", "2026-11-20T10:00:00UTC", "2026-11-20T10:00:00GMT+1",
                "2026-11-20T10:00:00.123+01:00:00", "2026-11-20T10:00:00-", "Fri, 20 Nov 2026 10:00:00 GMT",
                "2026-11-20T10:00:00.123.456Z", "2026-11-20T10:00:00,123Z", "2026-W47-5T10:00:00Z",
            ])
            set("timestamp", jsonString(value), in: &m)
            return rejected(["invalid_timestamp"], "timestamp \(value.debugDescription)")
        case 17:  // timestamps the contract does not settle (year 0000, leap second, space separator, 50 fraction digits)
            let value = rng.pick([
                "0000-01-01T00:00:00Z", "0000-06-15T12:00:00+01:00", "2026-06-30T23:59:60Z", "2026-11-20 10:00:00Z",
                "2026-11-20T10:00:00.\(String(repeating: "1", count: 50))Z",
            ])
            set("timestamp", jsonString(value), in: &m)
            var expected = spec
            expected.millis = Timestamp(rfc3339: value.replacingOccurrences(of: " ", with: "T"))?.millis ?? spec.millis
            return line(render(m), .either(["invalid_timestamp"]), "timestamp \(value.debugDescription)", spec: expected)
        case 18:  // more than an hour ahead of the clock
            let millis = rng.pick([
                fuzzLimitMillis + 1, fuzzLimitMillis + 1_000, fuzzLimitMillis + rng.int(1...86_400_000 * 400),
                Timestamp(rfc3339: "9999-12-31T23:59:59.999Z")!.millis,
            ])
            let offsets = fuzzOffsets.filter { millis < Timestamp(rfc3339: "9999-12-31T00:00:00Z")!.millis || $0 <= 0 }
            let offset = rng.pick(offsets)
            let text = rfc3339(millis, offsetMinutes: offset)
            let value = jsonString(text)
            set("timestamp", value, in: &m)
            return rejected(["timestamp_in_future"], "timestamp \(millis - fuzzNowMillis) ms ahead")
        case 19:  // an unknown kind
            let value = rng.pick(["\"embedding\"", "\"LLM\"", "\"Llm\"", "\"\"", "\"llm \"", "\"api\\u0000\"", "\"😀\"", "\"a\\u0070ix\"", "\"ap\u{301}i\""])
            set("kind", b(value), in: &m)
            return rejected(["unknown_kind"], "kind = \(value)")
        case 20:  // cached_tokens + cache_write_tokens > input_tokens
            guard spec.kind == .llm else { return mutation(of: spec, base: base) }
            let input = rng.percent(10) ? 100_000_000 : rng.int(0...50_000)
            let total = input + rng.int(1...(input == 100_000_000 ? 100_000_000 : 1_000))
            let cached = rng.int(0...min(total, 100_000_000))
            let write = total - cached
            guard write <= 100_000_000 else { return mutation(of: spec, base: base) }
            set("input_tokens", b(String(input)), in: &m)
            set("cached_tokens", b(String(cached)), in: &m)
            set("cache_write_tokens", b(String(write)), in: &m)
            return rejected(["cached_exceeds_input"], "input \(input), cached \(cached), write \(write)")
        case 21:  // a truncated line: never a whole JSON object
            eventID = nil
            let whole = render(m, plain: true)
            return line(Array(whole.prefix(1 + rng.below(whole.count - 1))), .reject(["invalid_json"]), "truncated")
        case 22:  // over 16 KiB
            return oversizedMember(spec, m, base: base)
        case 23:  // JSON syntax errors around valid members
            eventID = nil
            return syntaxError(m, base: base)
        case 24:  // whitespace that JSON does not allow
            eventID = nil
            let bad = rng.pick([[0x0C], [0x0B], [0xC2, 0xA0], [0xE2, 0x80, 0xA8], [0xE3, 0x80, 0x80], [0x00], [0xEF, 0xBB, 0xBF]] as [[UInt8]])
            return line(render(m, separator: bad + b(",")), .reject(["invalid_json"]), "separator \(fuzzPreview(bad))")
        case 25:  // values that are not JSON at all
            eventID = nil
            let field = rng.pick(integers + ["batch", "status", "tenant_id"])
            let value = rng.pick(["0123", "+5", ".5", "5.", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1_000", "tru", "nul", "True", "NULL", "undefined", "'x'", "01.5", "\"a\"\"b\""])
            set(field, b(value), in: &m)
            return rejected(["invalid_json"], "\(field) = \(value)")
        case 26:  // nesting deeper than any parser should follow: the contract is silent
            let depth = rng.pick([64, 65, 100, 1_000, 5_000])
            let value =
                rng.percent(50) || depth > 2_000
                ? Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
                : Array(b(#"{"a":"#).repeated(depth)) + b("1") + Array(repeating: UInt8(ascii: "}"), count: depth)
            m.insert(FuzzMember(name: "?", key: b("\"deep\""), value: value), at: rng.below(m.count + 1))
            return line(render(m), .either(["invalid_json", "invalid_value"]), "nested \(depth) deep", spec: spec)
        case 27:  // a byte-order mark: RFC 8259 lets a parser ignore or reject it
            return line(b("\u{FEFF}") + render(m, plain: true), .either(["invalid_json"]), "byte-order mark", spec: spec)
        case 28:  // two mutations at once: some rejection
            let first = mutation(of: spec, base: base)
            guard case .reject = first.outcome, first.spec == nil, !first.bytes.isEmpty else { return first }
            // A second kind that no reader can accept keeps the line invalid whatever else it holds.
            var bytes = first.bytes
            if let brace = bytes.lastIndex(of: UInt8(ascii: "}")) {
                bytes.insert(contentsOf: b(#","kind":"unknown""#), at: brace)
            } else {
                bytes.append(0)
            }
            eventID = nil
            return line(bytes, .reject(nil), "two mutations (\(first.label))")
        default:  // valid edge cases among the mutations: must be stored
            return validEdgeCase(spec, base: base)
        }
    }

    /// Valid lines that look suspicious: all must be stored (or, on a stored base, be duplicates).
    private mutating func validEdgeCase(_ spec: FuzzSpec, base: String) -> FuzzLine {
        let isStored = storedIndex[spec.id] != nil
        var m = members(spec)
        let label: String
        switch rng.below(5) {
        case 0:
            m.addUnknown(b("\"deep\""), nested(depth: 40))
            label = "nested 40 deep"
        case 1:
            m.addUnknown(b("\"text\""), b("\"\(String(repeating: "😀", count: 3_000))\""))
            label = "12 KB of emoji"
        case 2:
            for (name, value) in fuzzUnknownMembers {
                m.addUnknown(b("\"\(name)\""), b(value))
            }
            label = "every unknown field"
        case 3:
            return exactSize(spec, m, bytes: EventDecoder.maxEventBytes, base: base)
        default:
            for index in m.indices where m[index].name != "?" && m[index].value.first == 0x22 {
                m[index].key = b("\"") + m[index].name.utf8.flatMap { fuzzUnicodeEscape($0) } + b("\"")
            }
            label = "every known key fully escaped"
        }
        return FuzzLine(bytes: render(m), outcome: isStored ? .duplicate : .store, spec: spec, label: "\(base): \(label)")
    }

    private mutating func exactSize(_ spec: FuzzSpec, _ members: [FuzzMember], bytes target: Int, base: String) -> FuzzLine {
        var m = members
        m.addUnknown(b("\"pad\""), b("\"\""))
        let length = render(m, compact: true).count
        let filler = target - length
        let emoji = rng.percent(50) ? filler / 4 : 0
        m[m.count - 1].value = b("\"" + String(repeating: "😀", count: emoji) + String(repeating: "x", count: filler - 4 * emoji) + "\"")
        let bytes = render(m, compact: true)
        precondition(bytes.count == target)
        let isStored = storedIndex[spec.id] != nil
        if target <= EventDecoder.maxEventBytes {
            return FuzzLine(bytes: bytes, outcome: isStored ? .duplicate : .store, spec: spec, label: "\(base): exactly \(target) bytes")
        }
        return FuzzLine(bytes: bytes, outcome: .reject(["invalid_value"]), label: "\(base): exactly \(target) bytes")
    }

    private mutating func oversizedMember(_ spec: FuzzSpec, _ members: [FuzzMember], base: String) -> FuzzLine {
        var m = members
        switch rng.below(5) {
        case 0:
            return exactSize(spec, m, bytes: EventDecoder.maxEventBytes + 1, base: base)
        case 1:
            // 5,000 characters, 20,000 bytes: the limit is on bytes.
            m.append(FuzzMember(name: "?", key: b("\"text\""), value: b("\"\(String(repeating: "😀", count: 5_000))\"")))
            return FuzzLine(bytes: render(m), outcome: .reject(["invalid_value"]), label: "\(base): 20 KB of emoji")
        case 2:
            // Over the limit and not JSON either: either answer names a real problem.
            m.append(FuzzMember(name: "?", key: b("\"blob\""), value: quoted(Array(repeating: 0xFF, count: 20_000))))
            return FuzzLine(bytes: render(m), outcome: .reject(["invalid_value", "invalid_json"]), label: "\(base): 20 KB of invalid UTF-8")
        default:
            m.append(FuzzMember(name: "?", key: b("\"blob\""), value: b("\"\(String(repeating: "x", count: 20_000 + rng.below(5_000)))\"")))
            return FuzzLine(bytes: render(m), outcome: .reject(["invalid_value"]), label: "\(base): 20 KB unknown string")
        }
    }

    private mutating func oversized(bytes count: Int, label: String) -> FuzzLine {
        let spec = validSpec(id: freshID())
        rejectedIDs.append(spec.id)
        var m = members(spec)
        m.append(FuzzMember(name: "?", key: b("\"blob\""), value: b("\"\(String(repeating: "y", count: count))\"")))
        return FuzzLine(bytes: render(m), outcome: .reject(["invalid_value"]), label: label)
    }

    private mutating func syntaxError(_ members: [FuzzMember], base: String) -> FuzzLine {
        var m = members
        let whole = render(m, plain: true)
        let bytes: [UInt8]
        var codes: Set<String> = ["invalid_json"]
        switch rng.below(14) {
        case 0: bytes = Array(whole.dropLast()) + b(",}")
        case 1: bytes = render(m, separator: b(" "))
        case 2: bytes = render(m, colon: b(" "))
        case 3: bytes = render(m, colon: b("="))
        case 4:
            m[0].key = b("'") + m[0].key.dropFirst().dropLast() + b("'")
            bytes = render(m)
        case 5:
            m[0].key = Array(m[0].key.dropFirst().dropLast())
            bytes = render(m)
        case 6: bytes = whole + b(rng.pick(["x", "}", ",", "{}", "//c", "/*c*/", "\u{0}", "#", "]", " 1"]))
        case 7: bytes = b(rng.pick(["/*c*/", "x", ",", "]", "(", "\u{0}"])) + whole
        case 8: bytes = whole + whole
        case 9: bytes = whole + b(" {")
        case 10:
            bytes = b(rng.pick(["{", "}", "[", "hello", "\"unterminated", ":", ",", "{\"id\"}", "{\"id\":}", "{,}", "{\"id\":\"a\",}", "{\"a\" \"b\"}", "{:1}", "{1:2}", "{null:1}"]))
        case 11:
            codes = ["invalid_type", "invalid_json"]
            bytes = b(rng.pick(["[]", "\"str\"", "42", "null", "true", "-0", "[1,2]", "\"{}\""])) 
        case 12:
            codes = ["invalid_type", "invalid_json"]
            bytes = b("[") + whole + b("]")
        default:
            codes = ["missing_field"]
            bytes = b(rng.pick(["{}", " { } ", "{\"x\":1}", "{\"ID\":\"a\"}"]))
        }
        return FuzzLine(bytes: bytes, outcome: .reject(codes), label: "\(base): syntax #\(fuzzPreview(Array(bytes.prefix(40))))")
    }
}

// MARK: - Decoder fuzz helpers

private let fuzzTokenSoup: [String] = [
    "{", "}", "[", "]", ":", ",", "\"", "\"id\"", "\"kind\"", "\"llm\"", "\"api\"", "\"timestamp\"", "\"2026-11-20T10:00:00Z\"",
    "\"tenant_id\"", "\"worker\"", "\"operation\"", "\"provider\"", "\"model\"", "\"input_tokens\"", "\"output_tokens\"",
    "\"cached_tokens\"", "\"service\"", "\"status\"", "\"success\"", "\"units\"", "\"a\"", "1", "0", "-", "-1", "1e400",
    "99999999999999999999", "100000001", "null", "true", "false", "\\", "\\u", "\\ud800", "\\u0000", "😀", "\u{301}", " ",
    "\t", "\r", "\n", "\u{0}", ".", "e", "E", "+", "/*", "*/", "\u{FEFF}",
]

/// One byte-level mutation: flip, delete, insert, duplicate or truncate.
private func fuzzMutateBytes(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
    if bytes.isEmpty {
        bytes = Array(rng.pick(fuzzTokenSoup).utf8)
        return
    }
    let at = rng.below(bytes.count)
    switch rng.below(7) {
    case 0: bytes[at] ^= UInt8(1 << rng.below(8))
    case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
    case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(8)))
    case 3: bytes.insert(contentsOf: Array(rng.pick(fuzzTokenSoup).utf8), at: at)
    case 4:
        let end = min(bytes.count, at + 1 + rng.below(40))
        bytes.insert(contentsOf: bytes[at..<end], at: rng.below(bytes.count))
    case 5: bytes.removeSubrange(at...)
    default:
        // Replace a digit run's neighbourhood with a tricky number.
        bytes.insert(contentsOf: Array(rng.pick(["9", "99999999999999999999", "-0", ".5", "e9", "00"]).utf8), at: at)
    }
}

/// What is wrong with an event the decoder accepted, if anything.
private func fuzzInvariantViolation(_ event: UsageEvent, latest: Timestamp) -> String? {
    var identifiers = [event.id, event.tenantID, event.worker, event.operation]
    if let conversation = event.conversationID { identifiers.append(conversation) }
    if event.timestamp > latest { return "timestamp in the future" }
    if event.timestamp.millis < fuzzEarliestMillis { return "timestamp before year 1" }
    switch event.usage {
    case .llm(let call):
        identifiers += [call.provider, call.model]
        if let fingerprint = call.promptFingerprint { identifiers.append(fingerprint) }
        let t = call.tokens
        for count in [t.inputTokens, t.outputTokens, t.cachedTokens, t.cacheWriteTokens] where !(0...EventDecoder.maxTokens).contains(count) {
            return "token count \(count) out of range"
        }
        if t.cachedTokens + t.cacheWriteTokens > t.inputTokens { return "cached tokens exceed input" }
    case .api(let call):
        identifiers.append(call.service)
        if let key = call.requestKey { identifiers.append(key) }
        if !(1...EventDecoder.maxUnits).contains(call.units) { return "units \(call.units) out of range" }
    }
    for identifier in identifiers where !isIdentifier(identifier) {
        return "identifier \(identifier.debugDescription)"
    }
    return nil
}

// MARK: - Small utilities

extension Array {
    fileprivate func repeated(_ count: Int) -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(self.count * count)
        for _ in 0..<count { out += self }
        return out
    }
}

/// `\u00XX` for an ASCII byte.
private func fuzzUnicodeEscape(_ byte: UInt8) -> [UInt8] {
    let hex = String(byte, radix: 16)
    return b("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
}
