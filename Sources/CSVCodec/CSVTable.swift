import CCSV

/// A CSV file read whole: a header row and data records, each with the line it started on.
///
/// Pricing and tenant files are small, so they are read into memory at once through libcsv in
/// strict mode (RFC 4180 quoting; a stray quote is a parse error).
public struct CSVTable: Sendable {
    /// One data record and the 1-based line of the file where it starts.
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    public var records: [Record]

    /// Parses `bytes` as CSV with a header row.
    /// - Throws: ``CSVError`` naming the line where parsing stopped.
    public init(bytes: [UInt8], source: String) throws(CSVError) {
        let collector = RecordCollector()
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0 else {
            throw CSVError(source: source, line: 0, message: "cannot initialise the CSV parser")
        }
        defer { csv_free(&parser) }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var consumed = 0
        bytes.withUnsafeBytes { buffer in
            // Feed line by line so that the line counter is right when a record ends.
            var start = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                if end < buffer.count { end += 1 }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                let parsed = csv_parse(&parser, chunk.baseAddress, chunk.count, fieldCallback, recordCallback, context)
                consumed += parsed
                if parsed != chunk.count { return }
                collector.physicalLine += 1
                start = end
            }
        }
        if consumed != bytes.count || csv_fini(&parser, fieldCallback, recordCallback, context) != 0 {
            let reason = String(cString: csv_strerror(csv_error(&parser)))
            throw CSVError(source: source, line: collector.physicalLine + 1, message: reason)
        }
        guard let first = collector.records.first else {
            throw CSVError(source: source, line: 1, message: "the file is empty: a header row is required")
        }
        header = first.fields.map { $0.trimmingBOM() }
        records = Array(collector.records.dropFirst())
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(CSVError) {
        guard let bytes = readWholeFile(path) else {
            throw CSVError(source: path, line: 0, message: "cannot read the file")
        }
        try self.init(bytes: bytes, source: path)
    }

    /// Checks that the header is exactly `expected` (in order).
    public func requireHeader(_ expected: [String], source: String) throws(CSVError) {
        guard header == expected else {
            throw CSVError(
                source: source, line: 1,
                message: "header must be \(expected.joined(separator: ",")), found \(header.joined(separator: ","))"
            )
        }
    }
}

/// A CSV file that cannot be read or parsed, with the place of the problem.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var message: String

    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(source):\(line): \(message)" : "\(source): \(message)" }
}

/// Collects libcsv's callbacks; only touched by the thread that parses.
private final class RecordCollector {
    var records: [CSVTable.Record] = []
    var fields: [String] = []
    var physicalLine = 0
    var recordStartLine = 1
}

private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let collector = Unmanaged<RecordCollector>.fromOpaque(context).takeUnretainedValue()
    if collector.fields.isEmpty { collector.recordStartLine = collector.physicalLine + 1 }
    if let data, length > 0 {
        let buffer = UnsafeRawBufferPointer(start: data, count: length)
        collector.fields.append(String(decoding: buffer, as: UTF8.self))
    } else {
        collector.fields.append("")
    }
}

private func recordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let collector = Unmanaged<RecordCollector>.fromOpaque(context).takeUnretainedValue()
    // libcsv reports a blank line as a record without fields: skip it.
    if !collector.fields.isEmpty {
        collector.records.append(.init(line: collector.recordStartLine, fields: collector.fields))
    }
    collector.fields.removeAll(keepingCapacity: true)
}

extension String {
    fileprivate func trimmingBOM() -> String {
        hasPrefix("\u{FEFF}") ? String(dropFirst()) : self
    }
}
