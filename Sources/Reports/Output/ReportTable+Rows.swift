import Pricing

extension ReportTable {
    /// One row's cells by column name: how a view (the HTML page) reads the table a file was
    /// written from, so it shows the file's figures and not figures of its own.
    struct NamedRow: Sendable {
        let cells: [String: Cell]

        subscript(_ column: String) -> Cell { cells[column] ?? .empty }

        /// The cell as the CSV file writes it.
        func text(_ column: String) -> String { self[column].csv }

        /// A money cell's amount (zero for any other cell).
        func money(_ column: String) -> Money {
            if case .money(let amount) = self[column] { amount } else { .zero }
        }

        /// A count cell's value (zero for any other cell).
        func count(_ column: String) -> Int64 {
            if case .count(let value) = self[column] { value } else { 0 }
        }
    }

    /// The rows, in the table's order, each by column name.
    var namedRows: [NamedRow] {
        rows.map { NamedRow(cells: Dictionary(zip(columns, $0), uniquingKeysWith: { first, _ in first })) }
    }
}
