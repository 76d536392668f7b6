import CostLedger
import Plot
import Pricing

/// `report-DATE.html` (contract 15.1): one self-contained page for people who open a file rather
/// than Grafana. It is a view of the same run's tables: every figure is a cell of a table a CSV
/// file is written from (or those cells summed, for the top rows and the rest), printed with the
/// file's digits; nothing is computed from the ledger a second time.
///
/// The page needs no network and no script (a content security policy forbids both), draws its
/// charts as inline SVG, prints on A4 and reflows down to a phone's width. Every value from the
/// ledger is escaped and isolated in `<bdi>`; each figure is a `<data value=…>` element whose
/// `data-of` names the table, row and column it shows, so a test can compare it with the CSV.
/// The same input gives the same bytes: nothing on it depends on the time it is written.
public struct ReportPage: Sendable {
    public let input: Input
    /// The cost summary's rows of `asOf`'s UTC month, and of the UTC day before `asOf`'s date,
    /// by column name: read once, shown by several sections.
    let monthRows: [ReportTable.NamedRow]
    let previousDayRows: [ReportTable.NamedRow]

    public init(_ input: Input) {
        self.input = input
        let month = input.asOf.utcDate.monthKey
        let day = CivilDate(daysSinceEpoch: input.asOf.utcDate.daysSinceEpoch - 1).description
        let rows = input.costSummary.namedRows
        monthRows = rows.filter { $0.text("period") == month }
        previousDayRows = rows.filter { $0.text("period") == day }
    }

    typealias Body = Node<HTML.BodyContext>

    /// The page as UTF-8 bytes.
    public var bytes: [UInt8] { Array(html.utf8) }

    /// The page's HTML.
    public var html: String {
        let date = input.asOf.utcDate.description
        let document = HTML(
            .lang(.english),
            .head(
                .selfClosedElement(named: "meta", attributes: [Attribute<HTML.MetaContext>(name: "charset", value: "utf-8")]),
                .selfClosedElement(
                    named: "meta",
                    attributes: [
                        Attribute<HTML.MetaContext>(name: "name", value: "viewport"),
                        Attribute<HTML.MetaContext>(name: "content", value: "width=device-width, initial-scale=1"),
                    ]),
                // Nothing may load or run: the page is one file.
                .selfClosedElement(
                    named: "meta",
                    attributes: [
                        Attribute<HTML.MetaContext>(name: "http-equiv", value: "Content-Security-Policy"),
                        Attribute<HTML.MetaContext>(name: "content", value: "default-src 'none'; style-src 'unsafe-inline'"),
                    ]),
                .element(named: "title", nodes: [.raw("costledger report " + HTMLEscaping.escape(date))]),
                .style(Self.styleSheet)
            ),
            .body(
                .element(
                    named: "main",
                    nodes: [
                        overview, contents, budgetsSection, dailySection, costsSection, externalAPISection, recommendationsSection,
                        attentionSection, footer,
                    ]))
        )
        return document.render() + "\n"
    }
}

extension ReportPage {
    /// A value from the ledger (an id, a name, a title): escaped and isolated.
    static func value(_ text: String) -> Body {
        .element(named: "bdi", nodes: [.raw(HTMLEscaping.escape(text))])
    }

    /// A figure: the CSV cell's text (shown as `display` when given), marked with the table, row
    /// and column it comes from.
    static func figure(_ text: String, display: String? = nil, of source: [String]) -> Body {
        .element(
            named: "data",
            nodes: [
                .attribute(named: "value", value: HTMLEscaping.escape(text), ignoreIfValueIsEmpty: false),
                .attribute(named: "data-of", value: HTMLEscaping.escape(source.joined(separator: "|"))),
                .raw(HTMLEscaping.escape(display ?? text)),
            ])
    }

    /// A budget status in words, coloured.
    static func status(_ word: String) -> Body {
        .span(.class("status status-" + HTMLEscaping.escape(word)), .raw(HTMLEscaping.escape(word)))
    }

    /// A ratio cell as a percentage with every digit kept (`0.246913` is `24.6913 %`).
    static func percent(_ cell: ReportTable.Cell) -> String {
        guard case .ratio(let ratio) = cell else { return cell.csv }
        return ExactDecimal.format(Int128(ratio.millionths), scale: 4, minFractionDigits: 0) + " %"
    }

    /// A table's column: its heading and whether it holds numbers (right-aligned).
    struct Column {
        var heading: Body
        var numeric = false

        init(_ title: String, numeric: Bool = false) {
            heading = .raw(HTMLEscaping.escape(title))
            self.numeric = numeric
        }

        init(heading: Body, numeric: Bool) {
            self.heading = heading
            self.numeric = numeric
        }

        static func number(_ title: String) -> Column { Column(title, numeric: true) }
    }

    /// A table row: its cells and an optional class (`rest` for the summed remainder).
    struct Row {
        var cells: [Body]
        var kind = ""
    }

    /// A table in a box that scrolls sideways on a narrow screen.
    static func table(_ name: String, _ columns: [Column], _ rows: [Row], caption: String? = nil) -> Body {
        let head: [Node<HTML.TableRowContext>] = columns.map { column in
            .th(.class(column.numeric ? "num" : ""), column.heading)
        }
        let body: [Node<HTML.TableContext>] = rows.map { row in
            let cells: [Node<HTML.TableRowContext>] = zip(columns, row.cells).map { column, cell in
                .td(.class(column.numeric ? "num" : ""), cell)
            }
            return .tr(.class(row.kind), .group(cells))
        }
        return .div(
            .class("scroll"),
            .table(
                .attribute(named: "data-table", value: HTMLEscaping.escape(name)),
                .unwrap(caption) { .caption(.raw(HTMLEscaping.escape($0))) },
                .thead(.tr(.group(head))),
                .tbody(.group(body))))
    }

    /// A section with its anchor, heading and an optional line saying what it shows.
    static func section(_ id: String, _ title: String, note: String? = nil, _ content: [Body]) -> Body {
        .section(
            .id(id),
            .h2(.raw(HTMLEscaping.escape(title))),
            .unwrap(note) { .p(.class("note"), .raw(HTMLEscaping.escape($0))) },
            .group(content))
    }
}
