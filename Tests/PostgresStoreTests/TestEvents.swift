import CostLedger
import Foundation
import Pricing

/// The price table and the events the PostgreSQL tests append: JSON lines, as producers send them.
enum TestEvents {
    static let decoder = EventDecoder(now: Timestamp(rfc3339: "2027-01-01T00:00:00Z") ?? Timestamp(millis: 0))

    /// gpt-4o priced, every other model estimated by `*,*`; hunter with a global quota of 25 calls
    /// a month, termene with 2 per tenant; any other service unpriced.
    static func prices() throws -> PriceTable {
        let from = CivilDate(iso: "2025-01-01")
        func price(_ text: String) throws -> Decimal6 {
            guard let value = Decimal6(text) else { throw PSQLFailure(description: "bad test price \(text)") }
            return value
        }
        guard let from else { throw PSQLFailure(description: "bad test date") }
        return try PriceTable(
            llm: [
                LLMPriceRow(provider: "openai", model: "gpt-4o", effectiveFrom: from, input: try price("2.50"), output: try price("10")),
                LLMPriceRow(provider: "*", model: "*", effectiveFrom: from, input: try price("5"), output: try price("15")),
            ],
            services: [
                ServicePriceRow(
                    service: "hunter", operation: "email_finder", effectiveFrom: from, pricePerCall: try price("0.03"), freeQuotaPerMonth: 25),
                ServicePriceRow(
                    service: "termene", operation: "company_info", effectiveFrom: from, pricePerCall: try price("0.05"), freeQuotaPerMonth: 2,
                    quotaScope: .tenant),
            ])
    }

    static func llm(
        _ id: String, at time: Timestamp, tenant: String = "acme", model: String = "gpt-4o", input: Int = 1000, output: Int = 100,
        _ extra: String = ""
    ) -> String {
        #"{"id":"\#(id)","kind":"llm","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"agent","operation":"chat","provider":"openai","model":"\#(model)","input_tokens":\#(input),"output_tokens":\#(output)\#(extra)}"#
    }

    static func api(
        _ id: String, at time: Timestamp, tenant: String = "acme", service: String = "hunter", operation: String = "email_finder",
        status: String = "success", _ extra: String = ""
    ) -> String {
        #"{"id":"\#(id)","kind":"api","timestamp":"\#(time)","tenant_id":"\#(tenant)","worker":"enrich","operation":"\#(operation)","service":"\#(service)","status":"\#(status)"\#(extra)}"#
    }

    /// Every section 11.1 field, with a provider-reported cost.
    static let section11 =
        #","cached_tokens":100,"cache_write_tokens":200,"cache_write_1h_tokens":300,"input_audio_tokens":150,"input_image_tokens":250,"#
        + #""output_audio_tokens":30,"output_image_tokens":20,"reasoning_tokens":60,"web_search_requests":3,"service_tier":"flex","#
        + #""provider_cost_usd":"0.012345678""#

    static let start = Timestamp(rfc3339: "2026-10-29T22:00:00Z") ?? Timestamp(millis: 0)

    /// `count` events of every kind over six days around a month's end (free quotas reset on
    /// November 1st), three tenants, out of time order: LLM requests priced, estimated, batched,
    /// with section 11's fields, errored, cached, in conversations and with prompt fingerprints
    /// (some repeated within a prompt-cache window); API calls inside and past their free quotas,
    /// errored, unpriced, with units and request keys.
    static func mixed(_ count: Int, prefix: String = "e") -> [String] {
        let tenants = ["acme", "globex", "initech"]
        return (0..<count).map { i in
            // Spread over six days, not in time order; every 11th lands seconds after its predecessor.
            let offset = Int64((i * 7_919) % 6) * 86_400_000 + Int64((i * 104_729) % 86_400) * 1_000
            let time = Timestamp(millis: start.millis + (i % 11 == 0 ? Int64(i) * 20_000 : offset))
            let tenant = tenants[i % 3]
            let id = "\(prefix)\(i)"
            if i % 2 == 0 {
                let conversation = i % 4 == 0 ? #","conversation_id":"conv-\#(i % 5)""# : ""
                let fingerprint = i % 3 == 0 ? #","prompt_fingerprint":"fp-\#(i % 2)""# : ""
                switch (i / 2) % 6 {
                case 0: return llm(id, at: time, tenant: tenant, input: 900 + i, conversation + fingerprint)
                case 1: return llm(id, at: time, tenant: tenant, model: "mystery-\(i % 2)", input: 40_000, output: 3_000, fingerprint)
                case 2: return llm(id, at: time, tenant: tenant, input: 120, output: 30, #","batch":true"# + conversation)
                case 3: return llm(id, at: time, tenant: tenant, section11 + conversation + fingerprint)
                case 4: return llm(id, at: time, tenant: tenant, output: 0, #","status":"error""#)
                default: return llm(id, at: time, tenant: tenant, input: 8_000, #","cached_tokens":5000,"cache_write_tokens":1000"# + fingerprint)
                }
            }
            let key = #","request_key":"company-\#(i % 4)""#
            switch (i / 2) % 5 {
            case 0: return api(id, at: time, tenant: tenant, key)
            case 1: return api(id, at: time, tenant: tenant, service: "termene", operation: "company_info", key)
            case 2: return api(id, at: time, tenant: tenant, status: "error", key)
            case 3: return api(id, at: time, tenant: tenant, service: "clearbit", operation: "lookup", #","units":3"#)
            default: return api(id, at: time, tenant: tenant, #","units":2"# + key)
            }
        }
    }

    /// Fingerprinted requests seconds apart: repeats within one 5-minute prompt-cache window.
    static func promptBurst(_ count: Int, at time: Timestamp) -> [String] {
        (0..<count).map { i in
            llm("burst-\(i)", at: Timestamp(millis: time.millis + Int64(i) * 7_000), input: 2_000 + 10 * i, #","prompt_fingerprint":"fp-hot""#)
        }
    }
}
