import CostLedger
import Testing

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test("normalises any offset to UTC milliseconds", arguments: [
        ("2026-11-24T12:15:00.123456+02:00", "2026-11-24T10:15:00.123Z"),
        ("2026-11-24T10:15:00Z", "2026-11-24T10:15:00.000Z"),
        ("2026-11-24t10:15:00.5z", "2026-11-24T10:15:00.500Z"),
        ("2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00.000Z"),
        ("2026-03-01T00:00:00.999-00:30", "2026-03-01T00:30:00.999Z"),
        ("2024-02-29T23:59:59.9999Z", "2024-02-29T23:59:59.999Z"),
    ])
    func normalises(input: String, expected: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: input))
        #expect(timestamp.description == expected)
    }

    @Test("rejects what is not a date, a time and an offset", arguments: [
        "2026-11-24", "2026-11-24T10:15:00", "2026-11-24 10:15:00Z", "2026-02-30T00:00:00Z", "2026-11-24T24:00:00Z",
        "2026-11-24T10:60:00Z", "2026-11-24T10:15:60Z", "2026-11-24T10:15:00.Z", "2026-11-24T10:15:00+0200",
        "2026-11-24T10:15:00+24:00", "26-11-24T10:15:00Z", "2026-11-24T10:15:00Zjunk", "",
        "0000-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00",
    ])
    func rejects(input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test("epoch milliseconds")
    func epoch() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:01.001Z")?.millis == 1001)
        #expect(Timestamp(millis: 0).description == "1970-01-01T00:00:00.000Z")
    }
}
