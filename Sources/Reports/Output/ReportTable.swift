import CSVCodec
import Pricing

/// Rows with named columns, written as CSV and as a JSON array of objects with the same keys.
public struct ReportTable: Sendable {
    /// One value; money and ratios are strings in JSON, counts are integers, empty is null.
    public enum Cell: Sendable, Hashable {
        case text(String)
        case count(Int64)
        case money(Money)
        case ratio(Ratio)
        case empty

        var csv: String {
            switch self {
            case .text(let text): text
            case .count(let count): String(count)
            case .money(let money): money.description
            case .ratio(let ratio): ratio.description
            case .empty: ""
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]] = []

    public init(columns: [String]) {
        self.columns = columns
    }

    /// The CSV bytes: a header row and one record per row.
    public var csvBytes: [UInt8] {
        var writer = CSVWriter()
        writer.writeRecord(columns)
        for row in rows { writer.writeRecord(row.map(\.csv)) }
        return writer.bytes
    }

    /// The JSON bytes: an array with one object per row, keys in column order, one object per line.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, row) in rows.enumerated() {
            out.append(contentsOf: index == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
            // A writer of its own per row: one that started from `out` would copy all of it each row.
            var object = JSONObjectWriter()
            for (column, cell) in zip(columns, row) {
                switch cell {
                case .text(let text): object.string(column, text)
                case .count(let count): object.integer(column, count)
                case .money, .ratio: object.string(column, cell.csv)
                case .empty: object.string(column, nil)
                }
            }
            out.append(contentsOf: object.finish())
        }
        out.append(contentsOf: rows.isEmpty ? Array("]\n".utf8) : Array("\n]\n".utf8))
        return out
    }
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(OutputError) {
    let file = try OutputFile(atomicPath: path)
    try file.write(bytes)
    try file.commit()
}
