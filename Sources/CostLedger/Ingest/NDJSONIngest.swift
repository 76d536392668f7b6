import Foundation

/// An NDJSON input: a name for reports and an open file descriptor.
public struct IngestSource: Sendable {
    /// As reported in rejections (`-` for standard input).
    public var name: String
    public var descriptor: Int32

    public init(name: String, descriptor: Int32) {
        self.name = name
        self.descriptor = descriptor
    }
}

/// A line that was not stored, with its place in the input.
public struct IngestRejection: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var error: EventError
}

/// Counts of one ingest run.
public struct IngestTotals: Sendable, Hashable {
    public var lines = 0
    public var accepted = 0
    public var duplicates = 0
    /// Accepted events whose month was closed (section 14.1).
    public var late = 0
    public var rejected = 0

    public init() {}
}

/// Appends NDJSON events to a ledger in file and line order.
///
/// Two stages overlap on two cores: a parser thread reads, decodes, validates and canonicalises
/// lines into chunks; the calling thread prices, chains and commits each chunk in one
/// transaction. A bounded queue between them keeps memory constant whatever the input's size.
public struct NDJSONIngest {
    /// Lines per chunk, and so per transaction.
    public var chunkLines = 32_768
    /// Chunks parsed ahead of the writer.
    public var queuedChunks = 2
    /// The clock that `timestamp_in_future` is judged against, read once per chunk.
    public var clock: @Sendable () -> Timestamp = { .now() }

    public init() {}

    /// A parsed chunk: the valid events, and every line in input order (a rejected line carries its error).
    private struct ParsedChunk: Sendable {
        var batch = Ledger.Batch()
        var lines: [(source: Int, line: Int, rejection: EventError?)] = []
    }

    private enum Chunk: Sendable {
        case parsed(ParsedChunk)
        case failed(LedgerError)
    }

    /// Ingests `sources` into `ledger`.
    ///
    /// - Parameters:
    ///   - onRejected: called for each rejected line, in input order.
    ///   - onProgress: called after each committed chunk with the totals so far.
    /// - Throws: ``LedgerError`` when reading or storing fails; what was committed before stays.
    public func run(
        _ sources: [IngestSource], into ledger: Ledger, onRejected: (IngestRejection) -> Void,
        onProgress: (IngestTotals) -> Void = { _ in }
    ) async throws -> IngestTotals {
        let queue = BoundedQueue<Chunk>(capacity: queuedChunks)
        let pricer = ledger.pricer
        let parser = Thread { [chunkLines, clock] in
            Self.parse(sources, pricer: pricer, chunkLines: chunkLines, clock: clock, into: queue)
        }
        parser.stackSize = 4 << 20
        parser.start()
        defer { queue.close() }

        var totals = IngestTotals()
        while let chunk = queue.take() {
            let parsed: ParsedChunk
            switch chunk {
            case .parsed(let value): parsed = value
            case .failed(let error): throw error
            }
            var outcomes = try await ledger.append(parsed.batch).makeIterator()
            for line in parsed.lines {
                totals.lines += 1
                var rejection = line.rejection
                if rejection == nil {
                    switch outcomes.next() {
                    case .accepted(_, let late):
                        totals.accepted += 1
                        if late { totals.late += 1 }
                    case .duplicate: totals.duplicates += 1
                    case .conflict(let error): rejection = error
                    case nil: break
                    }
                }
                if let rejection {
                    totals.rejected += 1
                    onRejected(IngestRejection(file: sources[line.source].name, line: line.line, error: rejection))
                }
            }
            onProgress(totals)
        }
        return totals
    }

    private static func parse(
        _ sources: [IngestSource], pricer: EventPricer, chunkLines: Int, clock: @Sendable () -> Timestamp,
        into queue: BoundedQueue<Chunk>
    ) {
        defer { queue.close() }
        var chunk = ParsedChunk()
        var decoder = EventDecoder(now: clock())
        for (index, source) in sources.enumerated() {
            var reader = LineReader(descriptor: source.descriptor, maxLineBytes: EventDecoder.maxEventBytes)
            do {
                while let line = try reader.next() {
                    var rejection: EventError?
                    switch line {
                    case .text(let bytes):
                        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                        let decoded = bytes.withUnsafeBytes { raw in
                            Result { () throws(EventError) -> UsageEvent in try decoder.decode(raw) }
                        }
                        switch decoded {
                        case .success(let event):
                            let candidate = Ledger.Candidate(event, pricer: pricer)
                            if let refusal = pricer.refusal(of: event, plan: candidate.plan) {
                                rejection = refusal
                            } else {
                                chunk.batch.append(candidate, pricer: pricer)
                            }
                        case .failure(let error): rejection = error
                        }
                    case .oversized(let length):
                        rejection = EventError(
                            .invalidValue,
                            "the event is \(length) bytes of JSON, above the limit of \(EventDecoder.maxEventBytes)")
                    }
                    chunk.lines.append((index, reader.lineNumber, rejection))
                    if chunk.lines.count >= chunkLines {
                        guard queue.put(.parsed(chunk)) else { return }
                        chunk = ParsedChunk()
                        decoder = EventDecoder(now: clock())
                    }
                }
            } catch {
                if !chunk.lines.isEmpty { _ = queue.put(.parsed(chunk)) }
                _ = queue.put(.failed(LedgerError(.input, "\(source.name): \(error.message)")))
                return
            }
        }
        if !chunk.lines.isEmpty { _ = queue.put(.parsed(chunk)) }
    }
}
