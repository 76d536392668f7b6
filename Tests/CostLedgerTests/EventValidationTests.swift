import CostLedger
import Foundation
import Pricing
import Testing

@Suite("Event validation")
struct EventValidationTests {
    static let now = Timestamp(rfc3339: "2026-11-24T12:00:00Z")!
    let decoder = EventDecoder(now: now)

    static let llm = #""id":"e1","kind":"llm","timestamp":"2026-11-24T10:15:00+02:00","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","provider":"anthropic","model":"claude-haiku-4","input_tokens":1000,"output_tokens":200"#
    static let api = #""id":"a1","kind":"api","timestamp":"2026-11-24T10:15:00Z","tenant_id":"acme","worker":"enrich","operation":"email_finder","service":"hunter","status":"success""#

    func code(_ json: String) -> EventError.Code? {
        do {
            _ = try decoder.decode(json)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a valid LLM event is normalised, with defaults filled in")
    func validLLM() throws {
        let event = try decoder.decode("{" + Self.llm + #","unknown":{"nested":[1,2,{"x":null}]}}"#)
        #expect(event.id == "e1")
        #expect(event.timestamp.description == "2026-11-24T08:15:00.000Z")
        guard case .llm(let call) = event.usage else {
            Issue.record("expected an LLM event")
            return
        }
        #expect(call.tokens == LLMUsage(inputTokens: 1000, outputTokens: 200, cachedTokens: 0, cacheWriteTokens: 0, batch: false))
        #expect(call.status == .success && call.promptFingerprint == nil)
        #expect(event.conversationID == nil)
    }

    @Test("a valid API event defaults units to 1")
    func validAPI() throws {
        let event = try decoder.decode("{" + Self.api + #","units":null,"request_key":"company-7"}"#)
        #expect(event.usage == .api(APICall(service: "hunter", units: 1, status: .success, requestKey: "company-7")))
    }

    /// Each line: an event and the code it must be rejected with.
    static let cases: [(json: String, code: String)] = {
        var cases: [(json: String, code: String)] = []
        cases.append(("not json", "invalid_json"))
        cases.append(("{\"id\":\"e1\",", "invalid_json"))
        cases.append(("[1,2]", "invalid_type"))
        cases.append(("{" + llm.replacingOccurrences(of: #""id":"e1","#, with: "") + "}", "missing_field"))
        cases.append(("{" + llm.replacingOccurrences(of: #""worker":"ai-agent-core""#, with: #""worker":null"#) + "}", "missing_field"))
        cases.append(("{" + llm.replacingOccurrences(of: #","output_tokens":200"#, with: "") + "}", "missing_field"))
        cases.append(("{" + api.replacingOccurrences(of: #","status":"success""#, with: "") + "}", "missing_field"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":"1000""#) + "}", "invalid_type"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":1000.5"#) + "}", "invalid_type"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":1e3"#) + "}", "invalid_type"))
        cases.append(("{" + llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":42"#) + "}", "invalid_type"))
        cases.append(("{" + llm + #","batch":"yes"}"#, "invalid_type"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":-1"#) + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":100000001"#) + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""input_tokens":1000"#, with: #""input_tokens":99999999999999999999999"#) + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"=SUM(A1)""#) + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"""#) + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: "\"tenant_id\":\"" + String(repeating: "a", count: 129) + "\"") + "}", "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"acmé""#) + "}", "invalid_value"))
        cases.append(("{" + llm + #","status":"failed"}"#, "invalid_value"))
        cases.append(("{" + api + #","units":0}"#, "invalid_value"))
        cases.append(("{" + api + #","units":1000001}"#, "invalid_value"))
        cases.append(("{" + llm.replacingOccurrences(of: "2026-11-24T10:15:00+02:00", with: "2026-11-24T10:15:00") + "}", "invalid_timestamp"))
        cases.append(("{" + llm.replacingOccurrences(of: "2026-11-24T10:15:00+02:00", with: "yesterday") + "}", "invalid_timestamp"))
        cases.append(("{" + llm.replacingOccurrences(of: "2026-11-24T10:15:00+02:00", with: "2026-11-24T13:00:01Z") + "}", "timestamp_in_future"))
        cases.append(("{" + llm + #","cached_tokens":600,"cache_write_tokens":401}"#, "cached_exceeds_input"))
        cases.append(("{" + llm.replacingOccurrences(of: #""kind":"llm""#, with: #""kind":"tool""#) + "}", "unknown_kind"))
        cases.append(("{" + llm.replacingOccurrences(of: #""kind":"llm""#, with: #""kind":null"#) + "}", "missing_field"))
        // A key given twice: at the top, escaped, among unknown fields, nested; even with null.
        cases.append(("{" + llm + #","tenant_id":"globex"}"#, "invalid_value"))
        cases.append(("{" + llm + #","tenant\u005fid":"acme"}"#, "invalid_value"))
        cases.append(("{" + llm + #","note":1,"note":1}"#, "invalid_value"))
        cases.append(("{" + llm + #","meta":[{"a":1,"a":1}]}"#, "invalid_value"))
        cases.append(("{" + llm + #","batch":null,"batch":true}"#, "invalid_value"))
        return cases
    }()

    @Test("every contract code", arguments: cases)
    func codes(json: String, code expected: String) {
        #expect(code(json)?.rawValue == expected, "\(json)")
    }

    @Test("exactly one hour ahead is accepted; cached + written equal to input is accepted")
    func boundaries() {
        let atLimit = "{" + Self.llm.replacingOccurrences(of: "2026-11-24T10:15:00+02:00", with: "2026-11-24T13:00:00Z") + "}"
        #expect(code(atLimit) == nil)
        #expect(code("{" + Self.llm + #","cached_tokens":600,"cache_write_tokens":400}"#) == nil)
    }

    @Test("an event over 16 KiB is invalid_value; the rejection keeps the id when it was readable")
    func oversizedAndID() throws {
        let padding = String(repeating: "x", count: 17_000)
        #expect(code("{" + Self.llm + #","note":""# + padding + #""}"#) == .invalidValue)
        do {
            _ = try decoder.decode("{" + Self.llm + #","units":"x","batch":3}"#)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.eventID == "e1" && error.code == .invalidType)
        }
    }

    @Test("escapes decode; invalid UTF-8 and lone surrogates are invalid_json")
    func unicode() throws {
        let escaped = try decoder.decode("{" + Self.llm.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"\u0061cme""#) + "}")
        #expect(escaped.tenantID == "acme")
        #expect(code("{" + Self.llm + #","note":"\ud800"}"#) == .invalidJSON)
        var bytes = Array(("{" + Self.llm + #","note":"X"}"#).utf8)
        bytes[bytes.count - 3] = 0xFF
        let result = bytes.withUnsafeBytes { raw in Result { () throws(EventError) in try decoder.decode(raw) } }
        #expect(throws: EventError.self) { try result.get() }
    }

    @Test("canonical bytes ignore the offset's spelling and unknown fields")
    func canonical() throws {
        let a = try decoder.decode("{" + Self.llm + "}")
        let b = try decoder.decode("{" + Self.llm.replacingOccurrences(of: "2026-11-24T10:15:00+02:00", with: "2026-11-24T08:15:00.000Z") + #","cached_tokens":0,"x":1}"#)
        #expect(a.canonicalBytes == b.canonicalBytes)
        let c = try decoder.decode("{" + Self.llm + #","batch":true}"#)
        #expect(a.canonicalBytes != c.canonicalBytes)
    }
}
