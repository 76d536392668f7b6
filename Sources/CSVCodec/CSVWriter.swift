import CCSV

/// Appends CSV records (RFC 4180, `\n` line ends) to a byte buffer.
///
/// Fields that need quoting (a comma, a quote, CR or LF, or leading/trailing space) are quoted
/// and escaped by libcsv; the others, which is nearly all of ours, are copied as they are.
public struct CSVWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends one record.
    public mutating func writeRecord(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            writeField(field)
        }
        bytes.append(0x0A)
    }

    /// Appends one field, quoted when it must be.
    private mutating func writeField(_ field: String) {
        var field = field
        field.withUTF8 { utf8 in
            if Self.needsQuoting(utf8) {
                appendQuoted(utf8)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Empties the buffer, keeping its storage, after its bytes were written out.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        // csv_write needs at most 2 + 2n bytes: every quote doubled, plus the surrounding quotes.
        let capacity = 2 * utf8.count + 2
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: capacity))
        let written = bytes.withUnsafeMutableBytes { buffer in
            csv_write(buffer.baseAddress! + start, capacity, utf8.baseAddress, utf8.count)
        }
        bytes.removeLast(capacity - written)
    }

    private static func needsQuoting(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first == 0x20 || last == 0x20 { return true }
        for byte in utf8 where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
            return true
        }
        return false
    }
}
