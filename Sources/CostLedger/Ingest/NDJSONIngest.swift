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
    public var chunkLines = 16_384
    /// Chunks parsed ahead of the writer.
    public var queuedChunks = 2
    /// The clock that `timestamp_in_future` is judged against, read once per chunk.
    public var clock: @Sendable () -> Timestamp = { .now() }

    public init() {}

    private enum Item: Sendable {
        case event(Ledger.Candidate, source: Int, line: Int)
        case rejected(EventError, source: Int, line: Int)
    }

    private enum Chunk: Sendable {
        case items([Item])
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
    ) throws -> IngestTotals {
        let queue = BoundedQueue<Chunk>(capacity: queuedChunks)
        let parser = Thread { [chunkLines, clock] in
            Self.parse(sources, chunkLines: chunkLines, clock: clock, into: queue)
        }
        parser.stackSize = 4 << 20
        parser.start()
        defer { queue.close() }

        var totals = IngestTotals()
        while let chunk = queue.take() {
            let items: [Item]
            switch chunk {
            case .items(let parsed): items = parsed
            case .failed(let error): throw error
            }
            var candidates: [Ledger.Candidate] = []
            candidates.reserveCapacity(items.count)
            for case .event(let candidate, _, _) in items { candidates.append(candidate) }
            var outcomes = try ledger.append(candidates).makeIterator()
            for item in items {
                totals.lines += 1
                switch item {
                case .event(_, let source, let line):
                    switch outcomes.next() {
                    case .accepted: totals.accepted += 1
                    case .duplicate: totals.duplicates += 1
                    case .conflict(let error):
                        totals.rejected += 1
                        onRejected(IngestRejection(file: sources[source].name, line: line, error: error))
                    case nil: break
                    }
                case .rejected(let error, let source, let line):
                    totals.rejected += 1
                    onRejected(IngestRejection(file: sources[source].name, line: line, error: error))
                }
            }
            onProgress(totals)
        }
        return totals
    }

    private static func parse(
        _ sources: [IngestSource], chunkLines: Int, clock: @Sendable () -> Timestamp, into queue: BoundedQueue<Chunk>
    ) {
        defer { queue.close() }
        var items: [Item] = []
        items.reserveCapacity(chunkLines)
        var decoder = EventDecoder(now: clock())
        for (index, source) in sources.enumerated() {
            var reader = LineReader(descriptor: source.descriptor, maxLineBytes: EventDecoder.maxEventBytes)
            do {
                while let line = try reader.next() {
                    switch line {
                    case .text(let bytes):
                        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                        let decoded = bytes.withUnsafeBytes { raw in
                            Result { () throws(EventError) -> UsageEvent in try decoder.decode(raw) }
                        }
                        switch decoded {
                        case .success(let event):
                            items.append(.event(Ledger.Candidate(event), source: index, line: reader.lineNumber))
                        case .failure(let error):
                            items.append(.rejected(error, source: index, line: reader.lineNumber))
                        }
                    case .oversized(let length):
                        let error = EventError(
                            .invalidValue,
                            "the event is \(length) bytes of JSON, above the limit of \(EventDecoder.maxEventBytes)")
                        items.append(.rejected(error, source: index, line: reader.lineNumber))
                    }
                    if items.count >= chunkLines {
                        guard queue.put(.items(items)) else { return }
                        items.removeAll(keepingCapacity: true)
                        decoder = EventDecoder(now: clock())
                    }
                }
            } catch {
                if !items.isEmpty { _ = queue.put(.items(items)) }
                _ = queue.put(.failed(LedgerError(.input, "\(source.name): \(error.message)")))
                return
            }
        }
        if !items.isEmpty { _ = queue.put(.items(items)) }
    }
}
