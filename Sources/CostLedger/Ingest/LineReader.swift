#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads NDJSON lines from a file descriptor in large blocks, holding at most one block and one
/// line in memory however long the input or a line is.
struct LineReader {
    /// One line without its line ending, or the fact that it was too long to keep.
    enum Line {
        case text([UInt8])
        /// Longer than the limit: its bytes were skipped.
        case oversized(length: Int)
    }

    private let descriptor: Int32
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(descriptor: Int32, maxLineBytes: Int, blockSize: Int = 1 << 20) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: max(blockSize, maxLineBytes + 2))
    }

    /// The next line, or nil at the end of input.
    /// - Throws: ``LedgerError`` when reading fails.
    mutating func next() throws(LedgerError) -> Line? {
        var skipped = 0
        while true {
            if let newline = findNewline() {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = makeLine(to: lineEnd, skipped: skipped)
                start = newline + 1
                return line
            }
            if atEOF {
                guard start < end || skipped > 0 else { return nil }
                let line = makeLine(to: end, skipped: skipped)
                start = end
                return line
            }
            if end - start > maxLineBytes + 1 {
                // Too long already, even if its last byte is the CR of a CRLF ending: forget what we
                // have and keep counting until the newline.
                skipped += end - start
                start = end
            }
            try fill()
        }
    }

    /// The line from `start` to `lineEnd`, after `skipped` bytes already dropped; a UTF-8
    /// byte-order mark opening the input is not part of the first line (as in the CSV files).
    private mutating func makeLine(to lineEnd: Int, skipped: Int) -> Line {
        var lineStart = start
        if lineNumber == 0 && skipped == 0 && lineEnd - start >= 3 && buffer[start..<(start + 3)].elementsEqual([0xEF, 0xBB, 0xBF]) {
            lineStart += 3
        }
        lineNumber += 1
        let length = skipped + lineEnd - lineStart
        return skipped > 0 || length > maxLineBytes ? .oversized(length: length) : .text(Array(buffer[lineStart..<lineEnd]))
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let found = memchr(raw.baseAddress! + start, 0x0A, end - start) else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }

    private mutating func fill() throws(LedgerError) {
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        let capacity = buffer.count - end
        let count = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + end, capacity) }
        if count < 0 {
            if errno == EINTR { return }
            throw LedgerError(.input, "cannot read input: \(String(cString: strerror(errno)))")
        }
        if count == 0 { atEOF = true }
        end += count
    }
}
