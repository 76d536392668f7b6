/// A bounds-checked reader of the protobuf wire format, for the few OTLP messages costledger
/// decodes (``OTLPTraceRequest/init(protobuf:)``).
///
/// It never reads past its buffer, refuses lengths that do not fit, wire types a field does not
/// have, and the group wire types; every failure is a ``OTLPDecodingError`` with the byte offset.
struct ProtobufReader {
    /// The wire types of protobuf's encoding.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    /// Where the next field starts, from the start of the whole message.
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        offset = 0
        end = bytes.count
    }

    private init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type.
    mutating func nextField() throws(OTLPDecodingError) -> (number: UInt64, type: WireType) {
        let key = try varint()
        guard let type = WireType(rawValue: UInt8(key & 7)) else {
            throw OTLPDecodingError(offset: offset, message: "wire type \(key & 7) is not supported")
        }
        guard key >> 3 != 0 else { throw OTLPDecodingError(offset: offset, message: "field number 0") }
        return (key >> 3, type)
    }

    mutating func varint() throws(OTLPDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw OTLPDecodingError(offset: offset, message: "varint too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw OTLPDecodingError(offset: offset, message: "truncated varint")
    }

    mutating func fixed64() throws(OTLPDecodingError) -> UInt64 {
        guard end - offset >= 8 else { throw OTLPDecodingError(offset: offset, message: "truncated fixed64") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    /// A length-delimited field's bytes, as a reader of its own.
    mutating func message() throws(OTLPDecodingError) -> ProtobufReader {
        let length = try varint()
        guard length <= UInt64(end - offset) else {
            throw OTLPDecodingError(offset: offset, message: "a length of \(length) runs past the end of its message")
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return ProtobufReader(bytes, range: range)
    }

    /// A length-delimited field's bytes.
    mutating func data() throws(OTLPDecodingError) -> UnsafeRawBufferPointer {
        let field = try message()
        return UnsafeRawBufferPointer(rebasing: bytes[field.offset..<field.end])
    }

    /// A length-delimited field as UTF-8 text.
    mutating func string() throws(OTLPDecodingError) -> String {
        let start = offset
        let data = try data()
        guard let text = String(validating: data, as: UTF8.self) else {
            throw OTLPDecodingError(offset: start, message: "a string field is not UTF-8")
        }
        return text
    }

    /// Skips a field of `type` that is not needed.
    mutating func skip(_ type: WireType) throws(OTLPDecodingError) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try message()
        case .fixed32:
            guard end - offset >= 4 else { throw OTLPDecodingError(offset: offset, message: "truncated fixed32") }
            offset += 4
        }
    }

    /// Reads every remaining field: `body` reads those it knows and returns false for the
    /// others, which are skipped by their wire type.
    mutating func forEachField(
        _ body: (_ number: UInt64, _ type: WireType, _ reader: inout ProtobufReader) throws(OTLPDecodingError) -> Bool
    ) throws(OTLPDecodingError) {
        while !isAtEnd {
            let (number, type) = try nextField()
            if try !body(number, type, &self) { try skip(type) }
        }
    }

    /// The embedded message of field `number` of `message`, which must be length-delimited.
    mutating func message(_ type: WireType, field number: UInt64, of message: String) throws(OTLPDecodingError) -> ProtobufReader {
        try expect(type, is: .lengthDelimited, field: number, of: message)
        return try self.message()
    }

    /// Checks that field `number` has the wire type its message declares.
    func expect(_ type: WireType, is expected: WireType, field number: UInt64, of message: String) throws(OTLPDecodingError) {
        guard type == expected else {
            throw OTLPDecodingError(offset: offset, message: "field \(number) of \(message) has wire type \(type.rawValue), not \(expected.rawValue)")
        }
    }
}

/// A body that is not an OTLP `ExportTraceServiceRequest`, in protobuf or JSON.
public struct OTLPDecodingError: Error, Sendable, CustomStringConvertible {
    public var message: String

    init(message: String) {
        self.message = message
    }

    init(offset: Int, message: String) {
        self.message = "\(message) at byte \(offset)"
    }

    public var description: String { message }
}
