/// Why an event was rejected, with the contract's error code.
public struct EventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The contract's error codes, extensible like `HTTPError`'s status.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidJSON = Code(rawValue: "invalid_json")
        public static let missingField = Code(rawValue: "missing_field")
        public static let invalidType = Code(rawValue: "invalid_type")
        public static let invalidValue = Code(rawValue: "invalid_value")
        public static let invalidTimestamp = Code(rawValue: "invalid_timestamp")
        public static let timestampInFuture = Code(rawValue: "timestamp_in_future")
        public static let cachedExceedsInput = Code(rawValue: "cached_exceeds_input")
        /// The audio and image parts of the input or output, or the reasoning tokens, exceed their total (section 11.1).
        public static let partsExceedTotal = Code(rawValue: "parts_exceed_total")
        public static let unknownKind = Code(rawValue: "unknown_kind")
        /// Only a fallback row would price the model, and the event carries no provider cost
        /// (`--unknown-models reject`, section 11.3).
        public static let unknownModel = Code(rawValue: "unknown_model")
        public static let idConflict = Code(rawValue: "id_conflict")
        /// The event is for a tenant the token may not write (an OTLP span, section 12.2).
        public static let forbidden = Code(rawValue: "forbidden")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    /// The event's `id` when it could be read.
    public var eventID: String?

    public init(_ code: Code, _ message: String, eventID: String? = nil) {
        self.code = code
        self.message = message
        self.eventID = eventID
    }

    public var description: String { "\(code): \(message)" }
}
