import Plot

/// The few SVG elements the page's charts draw, as Plot nodes, every attribute and text escaped.
enum SVG {
    typealias Body = Node<HTML.BodyContext>

    /// `<name attributes…>children</name>`; attributes with an empty value are left out.
    static func element(_ name: String, _ attributes: KeyValuePairs<String, String>, _ children: [Body] = []) -> Body {
        .element(named: name, nodes: attributes.map { .attribute(named: $0.key, value: HTMLEscaping.escape($0.value)) } + children)
    }

    /// An element's text content.
    static func text(_ text: String) -> Body { .raw(HTMLEscaping.escape(text)) }

    /// A coordinate given in tenths of a unit, as SVG writes it (`123.4`, `-5`).
    static func number(tenths: Int64) -> String {
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return sign + String(magnitude / 10) + (magnitude % 10 == 0 ? "" : "." + String(magnitude % 10))
    }
}
