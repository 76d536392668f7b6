/// A strict, allocation-light JSON reader for one event object.
///
/// It validates the whole text as JSON (RFC 8259, UTF-8) but keeps only the top-level fields
/// that an event can have, as ``ScannedValue``s; unknown fields and nested values are checked and
/// skipped. `JSONDecoder` is several times slower and cannot tell a missing field from a
/// mistyped one the way the contract's error codes need.
struct JSONFieldScanner {
    /// A top-level value as validation needs it.
    enum ScannedValue: Equatable {
        case string(String)
        /// An integer literal that fits in `Int64`.
        case integer(Int64)
        /// An integer literal too large for `Int64`; `negative` keeps its sign.
        case hugeInteger(negative: Bool)
        /// A number with a fraction or an exponent.
        case fractional
        case bool(Bool)
        case null
        case array
        case object
        /// An object or array read whole, for a field that needs its contents (``EventField/usage``).
        case document(JSONValue)

        /// `.null` for a document that is JSON `null`, so that a null field stays an absent one.
        var nullAsNull: ScannedValue { self == .document(.null) ? .null : self }
    }

    /// The result of scanning one line.
    enum Scanned {
        case object(ScannedFields)
        /// Valid JSON whose top level is not an object.
        case notObject
    }

    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private static let maxDepth = 64
    /// Whether objects are checked for a key given twice (see ``ScannedFields/duplicateKey``).
    private let checksDuplicates: Bool
    /// The first key found twice in one object.
    private var duplicateKey: String?

    private init(_ bytes: UnsafeRawBufferPointer, checksDuplicates: Bool) {
        self.bytes = bytes
        self.checksDuplicates = checksDuplicates
    }

    /// Scans `bytes`, which must hold exactly one JSON value (surrounding whitespace allowed).
    ///
    /// A key given twice in one object, at any depth, is valid JSON but not a valid event: it is
    /// reported in ``ScannedFields/duplicateKey`` (a proxy that keeps the first and a reader that
    /// keeps the last would disagree about the event).
    static func scan(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> Scanned {
        var scanner = JSONFieldScanner(bytes, checksDuplicates: true)
        scanner.skipWhitespace()
        let result: Scanned
        if scanner.peek() == UInt8(ascii: "{") {
            result = .object(try scanner.scanTopObject())
        } else {
            _ = try scanner.scanValue(depth: 0, keep: false)
            result = .notObject
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected text after the JSON value") }
        return result
    }

    /// Reads the one JSON value that `bytes` holds whole (surrounding whitespace allowed), with
    /// the first key given twice in one object, if any.
    static func document(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> (value: JSONValue, duplicateKey: String?) {
        var scanner = JSONFieldScanner(bytes, checksDuplicates: true)
        scanner.skipWhitespace()
        let value = try scanner.scanDocument(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected text after the JSON value") }
        return (value, scanner.duplicateKey)
    }

    /// The byte ranges of the elements of the JSON array that `bytes` holds, validating all of it.
    static func arrayElements(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> [Range<Int>] {
        // The elements are scanned again one by one, duplicates and all.
        var scanner = JSONFieldScanner(bytes, checksDuplicates: false)
        scanner.skipWhitespace()
        try scanner.expect(UInt8(ascii: "["), "'['")
        var ranges: [Range<Int>] = []
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "]") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let start = scanner.index
                _ = try scanner.scanValue(depth: 1, keep: false)
                ranges.append(start..<scanner.index)
                scanner.skipWhitespace()
                guard let byte = scanner.peek() else { throw scanner.error("unexpected end of input") }
                scanner.index += 1
                if byte == UInt8(ascii: "]") { break }
                guard byte == UInt8(ascii: ",") else { throw scanner.error("expected ',' or ']'") }
            }
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected text after the JSON value") }
        return ranges
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(offset: index, message: message)
    }

    @inline(__always) private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    @inline(__always) private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        guard peek() == byte else { throw error("expected \(what)") }
        index += 1
    }

    private mutating func noteDuplicate(_ key: String) {
        if duplicateKey == nil { duplicateKey = key }
    }

    private mutating func scanTopObject() throws(SyntaxError) -> ScannedFields {
        var fields = ScannedFields()
        // Keys that are no event field, kept only to find one given twice.
        var otherKeys: Set<String> = []
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return fields
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name") }
            let (field, otherKey) = try scanKey()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            let value = field == .usage ? .document(try scanDocument(depth: 1)).nullAsNull : try scanValue(depth: 1, keep: field != nil)
            if let field {
                if fields[field] != nil { noteDuplicate(field.name) }
                fields[field] = value
            } else if let otherKey, !otherKeys.insert(otherKey).inserted {
                noteDuplicate(otherKey)
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                fields.duplicateKey = duplicateKey
                return fields
            default:
                throw error("expected ',' or '}'")
            }
        }
    }

    /// Scans a key: the event field it names, or else the key itself when duplicates are checked.
    private mutating func scanKey() throws(SyntaxError) -> (EventField?, String?) {
        let start = index + 1
        if let end = plainStringEnd(from: start) {
            index = end + 1
            let key = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if let field = EventField(bytes: key) { return (field, nil) }
            return (nil, checksDuplicates ? String(decoding: key, as: UTF8.self) : nil)
        }
        // A key with escapes or non-ASCII bytes: decode it (it is rarely a known field).
        let key = try scanString()
        let field = key.utf8.withContiguousStorageIfAvailable { EventField(bytes: UnsafeRawBufferPointer($0)) } ?? nil
        return (field, field == nil && checksDuplicates ? key : nil)
    }

    /// The index of the closing quote when the string from `start` is plain printable ASCII without escapes.
    @inline(__always) private func plainStringEnd(from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { return i }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    private mutating func scanValue(depth: Int, keep: Bool) throws(SyntaxError) -> ScannedValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "\""):
            if !keep {
                try skipString()
                return .null
            }
            return .string(try scanString())
        case UInt8(ascii: "{"):
            try skipComposite(depth: depth, open: UInt8(ascii: "{"))
            return .object
        case UInt8(ascii: "["):
            try skipComposite(depth: depth, open: UInt8(ascii: "["))
            return .array
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber()
        default:
            throw error("unexpected character")
        }
    }

    /// Reads the value at `index` whole.
    private mutating func scanDocument(depth: Int) throws(SyntaxError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            var members: [String: JSONValue] = [:]
            var elements: [JSONValue] = []
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    if isObject {
                        guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name") }
                        let key = try scanString()
                        skipWhitespace()
                        try expect(UInt8(ascii: ":"), "':'")
                        skipWhitespace()
                        let value = try scanDocument(depth: depth + 1)
                        if members.updateValue(value, forKey: key) != nil { noteDuplicate(key) }
                    } else {
                        elements.append(try scanDocument(depth: depth + 1))
                    }
                    skipWhitespace()
                    guard let next = peek() else { throw error("unexpected end of input") }
                    index += 1
                    if next == close { break }
                    guard next == UInt8(ascii: ",") else { throw error("expected ',' or a closing bracket") }
                }
            }
            return isObject ? .object(members) : .array(elements)
        case UInt8(ascii: "\""):
            return .string(try scanString())
        default:
            switch try scanValue(depth: depth, keep: true) {
            case .integer(let value): return .integer(value)
            case .hugeInteger(let negative): return .hugeInteger(negative: negative)
            case .fractional: return .fractional
            case .bool(let value): return .bool(value)
            default: return .null
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        let base = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != base[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    private mutating func scanNumber() throws(SyntaxError) -> ScannedValue {
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard let first = peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("invalid number")
        }
        var value: Int64 = 0
        var overflow = false
        if first == UInt8(ascii: "0") {
            index += 1
        } else {
            while let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true } else { value = sum }
                index += 1
            }
        }
        var fractional = false
        if peek() == UInt8(ascii: ".") {
            index += 1
            try skipDigits()
            fractional = true
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
            fractional = true
        }
        if fractional { return .fractional }
        if overflow { return .hugeInteger(negative: negative) }
        return .integer(negative ? -value : value)
    }

    private mutating func skipDigits() throws(SyntaxError) {
        let start = index
        while let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") { index += 1 }
        if index == start { throw error("invalid number") }
    }

    private mutating func skipComposite(depth: Int, open: UInt8) throws(SyntaxError) {
        guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        let close = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipWhitespace()
        if peek() == close {
            index += 1
            return
        }
        var keys: Set<String> = []
        while true {
            skipWhitespace()
            if open == UInt8(ascii: "{") {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name") }
                if checksDuplicates {
                    let key = try scanString()
                    if !keys.insert(key).inserted { noteDuplicate(key) }
                } else {
                    try skipString()
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':'")
                skipWhitespace()
            }
            _ = try scanValue(depth: depth + 1, keep: false)
            skipWhitespace()
            guard let byte = peek() else { throw error("unexpected end of input") }
            index += 1
            if byte == close { return }
            guard byte == UInt8(ascii: ",") else { throw error("expected ',' or a closing bracket") }
        }
    }

    private mutating func skipString() throws(SyntaxError) {
        if let end = plainStringEnd(from: index + 1) {
            index = end + 1
            return
        }
        _ = try scanString()
    }

    /// Decodes a string at `index` (which holds the opening quote), validating escapes and UTF-8.
    private mutating func scanString() throws(SyntaxError) -> String {
        index += 1
        let start = index
        if let end = plainStringEnd(from: start) {
            index = end + 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try scanEscape(into: &out)
            case 0..<0x20:
                throw error("control character in a string")
            case 0x80...:
                try scanUTF8Sequence(into: &out)
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    private mutating func scanEscape(into out: inout [UInt8]) throws(SyntaxError) {
        guard let byte = peek() else { throw error("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try scanHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate")
                }
                index += 2
                let low = try scanHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("unpaired surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            out.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func scanHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Copies one well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    private mutating func scanUTF8Sequence(into out: inout [UInt8]) throws(SyntaxError) {
        let lead = bytes[index]
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: throw error("invalid UTF-8")
        }
        guard index + length <= bytes.count else { throw error("invalid UTF-8") }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let low = offset == 1 ? lowerBound : 0x80
            let high = offset == 1 ? upperBound : 0xBF
            guard byte >= low && byte <= high else { throw error("invalid UTF-8") }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]))
        index += length
    }
}
