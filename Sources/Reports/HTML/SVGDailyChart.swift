import Plot
import Pricing

/// The month's daily spend as stacked columns, one per UTC day up to `asOf`'s date, one colour
/// per series (the top tenants, then the rest summed), with a labelled money axis.
struct SVGDailyChart {
    struct Series {
        var name: String
        /// Cost by day of the month (1-based).
        var days: [Int64: Money]
    }

    var series: [Series]
    /// The last day drawn (`asOf`'s day of the month).
    var lastDay: Int64
    var monthName: String

    // Geometry, in tenths of an SVG unit.
    static let (width, height): (Int64, Int64) = (7600, 2600)
    static let (left, right, top, bottom): (Int64, Int64, Int64, Int64) = (700, 100, 150, 350)

    var node: SVG.Body {
        let totals = (1...max(1, lastDay)).map { day in series.reduce(Money.zero) { $0 + ($1.days[day] ?? .zero) } }
        let highest = totals.max() ?? .zero
        let step = Self.axisStep(max: highest)
        let axisMax = max(step, (highest.nanos + step - 1) / step * step)
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let column = plotWidth / max(1, lastDay)
        func y(_ nanos: Int64) -> Int64 { Self.top + plotHeight - Int64(Int128(nanos) * Int128(plotHeight) / Int128(axisMax)) }
        var nodes: [SVG.Body] = []
        // Grid lines and their labels, from 0 to the axis maximum.
        var value: Int64 = 0
        while value <= axisMax {
            let at = SVG.number(tenths: y(value))
            nodes.append(SVG.element("line", ["class": "grid", "x1": SVG.number(tenths: Self.left), "x2": SVG.number(tenths: Self.width - Self.right), "y1": at, "y2": at]))
            nodes.append(
                SVG.element(
                    "text", ["class": "axis", "x": SVG.number(tenths: Self.left - 60), "y": SVG.number(tenths: y(value) + 35), "text-anchor": "end"],
                    [SVG.text(ExactDecimal.format(Int128(value), scale: 9, minFractionDigits: 0))]))
            value += step
        }
        nodes.append(
            SVG.element(
                "text", ["class": "axis", "x": "10", "y": SVG.number(tenths: Self.top - 50)], [SVG.text("USD per UTC day")]))
        for day in 1...max(1, lastDay) {
            let x = Self.left + (day - 1) * column + column / 8
            var base: Int64 = 0
            for (index, entry) in series.enumerated() {
                guard let cost = entry.days[day], cost.nanos > 0 else { continue }
                let lower = y(base)
                base += cost.nanos
                let upper = y(base)
                nodes.append(
                    SVG.element(
                        "rect",
                        ["class": "series-\(index)", "x": SVG.number(tenths: x), "y": SVG.number(tenths: upper),
                         "width": SVG.number(tenths: column * 3 / 4), "height": SVG.number(tenths: max(1, lower - upper))],
                        [SVG.element("title", [:], [SVG.text("\(entry.name), \(monthName)-\(day < 10 ? "0" : "")\(day): \(cost) USD")])]))
            }
            if day == 1 || day == lastDay || day % 5 == 0 {
                nodes.append(
                    SVG.element(
                        "text",
                        ["class": "axis", "x": SVG.number(tenths: x + column * 3 / 8), "y": SVG.number(tenths: Self.height - Self.bottom + 220), "text-anchor": "middle"],
                        [SVG.text(String(day))]))
            }
        }
        return SVG.element(
            "svg",
            ["class": "daily", "viewBox": "0 0 \(SVG.number(tenths: Self.width)) \(SVG.number(tenths: Self.height))", "role": "img",
             "aria-label": "Daily spend per tenant, \(monthName)"],
            nodes)
    }

    /// A round step (1, 2 or 5 times a power of ten, in nano-USD) that divides `max` into at most 5 lines.
    static func axisStep(max: Money) -> Int64 {
        guard max.nanos > 0 else { return Money.nanosPerDollar }
        var magnitude: Int64 = 1
        while true {
            for factor: Int64 in [1, 2, 5] where magnitude * factor * 5 >= max.nanos {
                return magnitude * factor
            }
            guard magnitude <= Int64.max / 100 else { return magnitude }
            magnitude *= 10
        }
    }
}
