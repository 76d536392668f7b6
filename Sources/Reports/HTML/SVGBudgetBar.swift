import Plot
import Pricing

/// One budget's bar: the spend filled in its status colour, the projection as a lighter
/// extension ending in a dark tick, the warning and critical thresholds as dashed marks and the
/// budget itself as a solid mark. The scale runs to a little past the budget, or to the larger of
/// the spend and the projection up to twice the budget; anything beyond is drawn at the edge.
struct SVGBudgetBar {
    var spend: Money
    var budget: Money
    var projected: Money
    var thresholds: ReportPage.Thresholds
    /// `ok`, `warning`, `critical` or `exceeded`: the fill's class.
    var status: String

    /// The bar's width in SVG units (the SVG stretches to its box; strokes keep their width).
    static let width: Int64 = 1000

    var node: SVG.Body {
        guard budget.nanos > 0 else { return .raw("") }
        let largest = max(spend, projected)
        let domain = max(Int128(budget.nanos) * 11 / 10, min(Int128(largest.nanos), Int128(budget.nanos) * 2))
        func x(_ nanos: Int128) -> String { String(Int64(min(Int128(Self.width), max(0, nanos * Int128(Self.width) / domain)))) }
        func mark(_ fraction: Decimal6) -> String { x(Int128(budget.nanos) * Int128(fraction.millionths) / 1_000_000) }
        func line(_ at: String, _ kind: String, top: String = "2", bottom: String = "22") -> SVG.Body {
            SVG.element("line", ["class": kind, "x1": at, "x2": at, "y1": top, "y2": bottom, "vector-effect": "non-scaling-stroke"])
        }
        return SVG.element(
            "svg",
            ["class": "bar", "viewBox": "0 0 \(Self.width) 24", "preserveAspectRatio": "none", "aria-hidden": "true"],
            [
                SVG.element("rect", ["class": "track", "x": "0", "y": "6", "width": String(Self.width), "height": "12"]),
                SVG.element("rect", ["class": "projection status-\(status)", "x": "0", "y": "6", "width": x(Int128(projected.nanos)), "height": "12"]),
                SVG.element("rect", ["class": "spend status-\(status)", "x": "0", "y": "6", "width": x(Int128(spend.nanos)), "height": "12"]),
                line(mark(thresholds.warning), "warning-mark"),
                line(mark(thresholds.critical), "critical-mark"),
                line(x(Int128(budget.nanos)), "budget-mark", top: "0", bottom: "24"),
                line(x(Int128(projected.nanos)), "projection-mark", top: "3", bottom: "21"),
            ])
    }
}
