import Synchronization

/// A `model` or alias of `llm.csv` that names many model ids (contract 11.2): `*` matches any run
/// of characters (`claude-sonnet-4-5*`), and `re:` starts a regular expression searched for in the
/// id (`re:^claude-opus-5-\d{8}$`). Ids are matched in lower case; a glob is folded with them, a
/// regular expression is used as written (folding it would turn `\D` into `\d`).
public struct ModelPattern: Sendable {
    /// As written in the file.
    public let text: String
    private let matcher: Matcher

    private enum Matcher: Sendable {
        /// The glob's literal pieces, lower case UTF-8, between its stars.
        case glob([[UInt8]])
        case regex(CompiledRegex)
    }

    /// Whether `text` is a pattern rather than a plain id (`*` alone is the fallback row, not a pattern).
    public static func isPattern(_ text: String) -> Bool {
        text != "*" && (text.hasPrefix("re:") || text.utf8.contains(UInt8(ascii: "*")))
    }

    /// A pattern; nil with the reason when a regular expression does not compile.
    public init(_ text: String) throws(PatternError) {
        self.text = text
        if text.hasPrefix("re:") {
            matcher = .regex(try CompiledRegex(String(text.dropFirst(3))))
        } else {
            matcher = .glob(Array(text.lowercased().utf8).split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init))
        }
    }

    /// Whether the pattern matches `id`, already folded to lower case.
    public func matches(folded id: String) -> Bool {
        switch matcher {
        case .regex(let regex): return regex.isFound(in: id)
        case .glob(let pieces):
            var id = id
            return id.withUTF8 { Self.glob(pieces, matches: $0) }
        }
    }

    /// The first piece a prefix, the last a suffix, the others found in order between them.
    private static func glob(_ pieces: [[UInt8]], matches id: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pieces.first, let last = pieces.last else { return id.isEmpty }
        guard pieces.count > 1 else { return id.elementsEqual(first) }
        guard id.count >= first.count + last.count, id.starts(with: first), id[(id.count - last.count)...].elementsEqual(last)
        else { return false }
        var start = first.count
        let end = id.count - last.count
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = find(piece, in: id, from: start, to: end) else { return false }
            start = found + piece.count
        }
        return true
    }

    /// The first offset of `piece` in `id[from..<to]`.
    private static func find(_ piece: [UInt8], in id: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard to - from >= piece.count, let head = piece.first else { return nil }
        var offset = from
        while offset + piece.count <= to {
            if id[offset] == head && id[offset..<(offset + piece.count)].elementsEqual(piece) { return offset }
            offset += 1
        }
        return nil
    }
}

/// A regular expression compiled on its first use: a catalogue holds hundreds that a run never
/// needs, and compiling them all would cost every command's start-up.
final class CompiledRegex: Sendable {
    private let source: String
    private let compiled = Mutex<Regex<AnyRegexOutput>?>(nil)
    /// The sources known to compile: the loader checks each row's patterns, history rows repeat
    /// them and the table builds them again, so each distinct one is checked once per process.
    private static let valid = Mutex<Set<String>>([])

    init(_ source: String) throws(PatternError) {
        self.source = source
        guard !isPlainRegex(source), !Self.valid.withLock({ $0.contains(source) }) else { return }
        do {
            _ = try Regex(source)
            Self.valid.withLock { _ = $0.insert(source) }
        } catch {
            throw PatternError(message: "'re:\(source)' is not a regular expression: \(error)")
        }
    }

    func isFound(in id: String) -> Bool {
        let regex = compiled.withLock { cached -> Regex<AnyRegexOutput>? in
            if let cached { return cached }
            let made = try? Regex(source)
            cached = made
            return made
        }
        guard let regex else { return false }
        return (try? regex.firstMatch(in: id)) != nil
    }
}

/// A pattern that cannot be used.
public struct PatternError: Error, Sendable {
    public var message: String
}
