/// Splits an HTTP request body into the JSON texts of its events.
public enum EventBody {
    /// The byte ranges of the events in `bytes`: one JSON object, a JSON array of objects, or
    /// NDJSON (one per non-blank line). A UTF-8 byte-order mark at the start is skipped.
    ///
    /// - Throws: ``EventError`` `invalid_json` when a JSON body (not NDJSON) is not JSON at all;
    ///   then nothing of it may be stored. A bad NDJSON line is left to the decoder, which rejects
    ///   that line alone.
    public static func split(_ bytes: UnsafeRawBufferPointer, ndjson: Bool) throws(EventError) -> [Range<Int>] {
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        guard bytes.starts(with: mark) else { return try splitUnmarked(bytes, ndjson: ndjson) }
        let ranges = try splitUnmarked(UnsafeRawBufferPointer(rebasing: bytes[mark.count...]), ndjson: ndjson)
        return ranges.map { ($0.lowerBound + mark.count)..<($0.upperBound + mark.count) }
    }

    private static func splitUnmarked(_ bytes: UnsafeRawBufferPointer, ndjson: Bool) throws(EventError) -> [Range<Int>] {
        if ndjson {
            var ranges: [Range<Int>] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
                var end = index
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                if bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) { ranges.append(start..<end) }
                start = index + 1
            }
            return ranges
        }
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            throw EventError(.invalidJSON, "the body is empty")
        }
        if first == UInt8(ascii: "[") {
            do {
                return try JSONFieldScanner.arrayElements(bytes)
            } catch {
                throw EventError(.invalidJSON, "the body is not JSON: \(error.message) at byte \(error.offset)")
            }
        }
        do {
            _ = try JSONFieldScanner.scan(bytes)
        } catch {
            throw EventError(.invalidJSON, "the body is not JSON: \(error.message) at byte \(error.offset)")
        }
        return [0..<bytes.count]
    }
}
