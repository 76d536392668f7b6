/// Whether `text` is a contract identifier: 1–128 characters matching `^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$`.
///
/// The pattern keeps identifiers safe in CSV cells (no spreadsheet formulas) and in hashes.
public func isIdentifier(_ text: some StringProtocol) -> Bool {
    isIdentifier(bytes: text.utf8)
}

/// The byte-level form of ``isIdentifier(_:)``.
public func isIdentifier(bytes: some Collection<UInt8>) -> Bool {
    guard let first = bytes.first, bytes.count <= 128, isAlphanumeric(first) else { return false }
    for byte in bytes.dropFirst() where !isAlphanumeric(byte) {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            continue
        default:
            return false
        }
    }
    return true
}

@inline(__always)
private func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}
