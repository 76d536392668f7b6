/// Whether `source` is a regular expression of the plain shape the catalogue's ids take
/// (`^claude-opus-5[-@]\d{8}$`, `^gpt-5\.4-\d{4}-\d{2}-\d{2}$`), which always compiles: parsing
/// one with `Regex` costs ~80 µs, and a start-up checks every pattern of the catalogue.
///
/// Accepted: `^` first, `$` last; letters, digits and `-_/@:,=` as literals; `\d`, `\w` and an
/// escaped punctuation mark; a class of such literals but `:` and `=` (a `-` only first or last:
/// no ranges); after any of those one `{n}` (1 to 3 digits), `?`, `*` or `+`. Anything else is
/// for `Regex` to judge. A test feeds `Regex` many thousands of sources this accepts.
func isPlainRegex(_ source: String) -> Bool {
    var bytes = Array(source.utf8)[...]
    if bytes.first == UInt8(ascii: "^") { bytes = bytes.dropFirst() }
    if bytes.last == UInt8(ascii: "$") && bytes.dropLast().last != UInt8(ascii: "\\") { bytes = bytes.dropLast() }
    var quantifiable = false
    while let byte = bytes.popFirst() {
        switch byte {
        case _ where plainLiterals.contains(byte):
            quantifiable = true
        case UInt8(ascii: "\\"):
            guard let escaped = bytes.popFirst(), escaped == UInt8(ascii: "d") || escaped == UInt8(ascii: "w") || plainEscapes.contains(escaped)
            else { return false }
            quantifiable = true
        case UInt8(ascii: "["):
            guard let end = bytes.firstIndex(of: UInt8(ascii: "]")), end > bytes.startIndex else { return false }
            let members = bytes[..<end]
            // No ranges, and none of `:=.` that open POSIX classes (`[:alpha:]`, `[=a=]`, `[.a.]`).
            guard members.allSatisfy({ plainLiterals.contains($0) && !":=".utf8.contains($0) }),
                !members.dropFirst().dropLast().contains(UInt8(ascii: "-"))
            else { return false }
            bytes = bytes[(end + 1)...]
            quantifiable = true
        case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"):
            guard quantifiable else { return false }
            quantifiable = false
        case UInt8(ascii: "{"):
            guard quantifiable, let end = bytes.firstIndex(of: UInt8(ascii: "}")), (1...3).contains(end - bytes.startIndex),
                bytes[..<end].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return false }
            bytes = bytes[(end + 1)...]
            quantifiable = false
        default:
            return false
        }
    }
    return true
}

private let plainLiterals = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/@:,=".utf8)
private let plainEscapes = Set(".-_/@:,=*+?()[]{}^$|\\".utf8)
