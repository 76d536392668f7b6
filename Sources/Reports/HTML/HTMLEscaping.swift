/// Escaping for data placed in the HTML page: tenant ids, model names, titles and reasons are
/// data, never markup.
///
/// Plot keeps entity references it finds in text (`&amp;` stays `&amp;`) and writes attribute
/// values as they are, which suits hand-written content but not ledger data; so every value goes
/// through here first and reaches Plot as raw, already escaped text.
enum HTMLEscaping {
    /// `text` safe in element content and in a quoted attribute value: `& < > " '` as references,
    /// bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as numeric
    /// references (the page also isolates every value in `<bdi>`, so they cannot reorder the text
    /// around it), and other control characters but tab and newline as U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x27: out += "&#39;"
            case 0x09, 0x0A: out.unicodeScalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F: out += "&#xFFFD;"
            case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                out += "&#x" + String(scalar.value, radix: 16, uppercase: true) + ";"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
