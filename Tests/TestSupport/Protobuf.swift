/// A protobuf encoder for the test's own messages: field by field, as the wire format says.
public struct Protobuf {
    public var bytes: [UInt8] = []

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    public static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }

    public func field(_ number: UInt64, _ message: Protobuf) -> Protobuf { field(number, bytes: message.bytes) }

    public func field(_ number: UInt64, bytes value: [UInt8]) -> Protobuf {
        Protobuf(bytes: bytes + Self.varint(number << 3 | 2) + Self.varint(UInt64(value.count)) + value)
    }

    public func field(_ number: UInt64, _ text: String) -> Protobuf { field(number, bytes: Array(text.utf8)) }

    public func field(_ number: UInt64, varint value: UInt64) -> Protobuf { Protobuf(bytes: bytes + Self.varint(number << 3) + Self.varint(value)) }

    public func field(_ number: UInt64, fixed64 value: UInt64) -> Protobuf {
        Protobuf(bytes: bytes + Self.varint(number << 3 | 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }

    /// A `KeyValue` with a string or int `AnyValue`.
    public static func attribute(_ key: String, _ value: String) -> Protobuf { Protobuf().field(1, key).field(2, Protobuf().field(1, value)) }
    public static func attribute(_ key: String, int value: Int64) -> Protobuf {
        Protobuf().field(1, key).field(2, Protobuf().field(3, varint: UInt64(bitPattern: value)))
    }
}
