import CostLedger
import Foundation
import Pricing
import Testing

/// The canonical bytes are what the hash chain covers: those of a section 2 event must never change.
@Suite("Canonical bytes")
struct CanonicalBytesTests {
    let decoder = EventDecoder(now: Timestamp(rfc3339: "2026-11-24T12:00:00Z")!)

    func canonical(_ json: String) throws -> String {
        String(decoding: try decoder.decode(json).canonicalBytes, as: UTF8.self)
    }

    @Test("a section 2 event of each kind, with and without its optional fields, has exactly the bytes it had before section 11")
    func section2Bytes() throws {
        let llm = #""id":"e1","kind":"llm","timestamp":"2026-11-24T10:15:00.1239+02:00","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","provider":"anthropic","model":"claude-haiku-4","input_tokens":1000,"output_tokens":200"#
        #expect(
            try canonical("{" + llm + "}")
                == #"{"id":"e1","kind":"llm","timestamp":"2026-11-24T08:15:00.123Z","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","conversation_id":null,"provider":"anthropic","model":"claude-haiku-4","input_tokens":1000,"output_tokens":200,"cached_tokens":0,"cache_write_tokens":0,"batch":false,"prompt_fingerprint":null,"status":"success"}"#)
        let full = #","conversation_id":"conv-1","cached_tokens":300,"cache_write_tokens":100,"batch":true,"prompt_fingerprint":"fp-1","status":"error"}"#
        #expect(
            try canonical("{" + llm + full)
                == #"{"id":"e1","kind":"llm","timestamp":"2026-11-24T08:15:00.123Z","tenant_id":"acme","worker":"ai-agent-core","operation":"classification","conversation_id":"conv-1","provider":"anthropic","model":"claude-haiku-4","input_tokens":1000,"output_tokens":200,"cached_tokens":300,"cache_write_tokens":100,"batch":true,"prompt_fingerprint":"fp-1","status":"error"}"#)
        let api = #""id":"a1","kind":"api","timestamp":"2026-11-24T10:15:00Z","tenant_id":"acme","worker":"enrich","operation":"email_finder","service":"hunter","status":"success""#
        #expect(
            try canonical("{" + api + "}")
                == #"{"id":"a1","kind":"api","timestamp":"2026-11-24T10:15:00.000Z","tenant_id":"acme","worker":"enrich","operation":"email_finder","conversation_id":null,"service":"hunter","units":1,"status":"success","request_key":null}"#)
        #expect(
            try canonical("{" + api + #","units":250,"request_key":"company-7","conversation_id":"conv-1"}"#)
                == #"{"id":"a1","kind":"api","timestamp":"2026-11-24T10:15:00.000Z","tenant_id":"acme","worker":"enrich","operation":"email_finder","conversation_id":"conv-1","service":"hunter","units":250,"status":"success","request_key":"company-7"}"#)
    }
}
