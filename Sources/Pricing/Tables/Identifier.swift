/// Whether `text` is a contract identifier: 1–128 characters matching `^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$`.
///
/// The pattern keeps identifiers safe in CSV cells (no spreadsheet formulas) and in hashes.
public func isIdentifier(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { isIdentifier(bytes: UnsafeRawBufferPointer($0)) }
}

/// Whether `text` is a contract identifier.
public func isIdentifier(_ text: Substring) -> Bool {
    isIdentifier(String(text))
}

/// The byte-level form of ``isIdentifier(_:)-(String)``.
public func isIdentifier(bytes: UnsafeRawBufferPointer) -> Bool {
    guard let first = bytes.first, bytes.count <= 128, identifierByteClass[Int(first)] == 2 else { return false }
    for byte in bytes where identifierByteClass[Int(byte)] == 0 { return false }
    return true
}

/// 2: may start an identifier (letters and digits); 1: may follow (`._:/@+-`); 0: never.
private let identifierByteClass: [UInt8] = (0..<256).map { value -> UInt8 in
    switch UInt8(value) {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): 2
    case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "+"),
        UInt8(ascii: "-"):
        1
    default: 0
    }
}
