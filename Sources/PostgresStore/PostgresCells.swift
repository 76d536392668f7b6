import CostLedger
import PostgresNIO

/// One result row, read by column number as the SQLite store reads its rows: a NULL integer or
/// flag reads as 0 or false, NULL text as no text.
struct PostgresCells {
    private let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        cells = PostgresRandomAccessRow(row)
    }

    func int64(_ column: Int) throws(LedgerError) -> Int64 { try optionalInt64(column) ?? 0 }

    func optionalInt64(_ column: Int) throws(LedgerError) -> Int64? {
        // A BIGINT in binary format is its 8 bytes, big-endian: read at once (rollups are mostly integers).
        let cell = cells[column]
        guard var bytes = cell.bytes else { return nil }
        if cell.dataType == .int8, cell.format == .binary, bytes.readableBytes == 8, let value = bytes.readInteger(as: Int64.self) {
            return value
        }
        return try decode(column, as: Int64?.self)
    }

    func bool(_ column: Int) throws(LedgerError) -> Bool { try decode(column, as: Bool?.self) ?? false }

    func string(_ column: Int) throws(LedgerError) -> String? { try decode(column, as: String?.self) }

    /// The bytes of a BYTEA or TEXT column (none for NULL).
    func bytes(_ column: Int) -> [UInt8] { cells[column].bytes.map { Array($0.readableBytesView) } ?? [] }

    /// Calls `body` with the UTF-8 bytes of a TEXT column (none for NULL), without making a `String`.
    func withText<Result>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        guard let buffer = cells[column].bytes else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try buffer.withUnsafeReadableBytes { try body($0.bindMemory(to: UInt8.self)) }
    }

    private func decode<Value: PostgresDecodable>(_ column: Int, as type: Value.Type) throws(LedgerError) -> Value {
        let cell = cells[column]
        do {
            return try cell.decode(Value.self)
        } catch {
            throw LedgerError(.corruptRow, "column \(cell.columnName) holds a \(cell.dataType) that is not a \(Value.self)")
        }
    }
}

extension PostgresCells: StoredEventRow {
    package func integer(_ column: Int) throws(LedgerError) -> Int64 { try int64(column) }
    package func optionalInteger(_ column: Int) throws(LedgerError) -> Int64? { try optionalInt64(column) }
    package func flag(_ column: Int) throws(LedgerError) -> Bool { try bool(column) }
    package func text(_ column: Int) throws(LedgerError) -> String? { try string(column) }
}
