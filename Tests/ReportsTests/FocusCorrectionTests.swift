import CSVCodec
import CostLedger
import Pricing
import Testing

@testable import Reports

/// Correction rows of the FOCUS export (CONTRACT section 14.3), built directly through
/// ``FocusHour/addCorrection(of:sku:amount:billingMonth:)``: the API an adjustment record is fed to.
@Suite("FOCUS correction rows")
struct FocusCorrectionTests {
    /// acme's gpt-4o request of 2026-10-15 09:05 UTC: 10,000 input and 3,000 output tokens, at the
    /// 2025-01-01 row's 2.50 and 10.00 per 1M: 0.025 + 0.03 = 0.055 USD.
    static let record = LedgerRecord(
        sequence: 7,
        event: UsageEvent(
            id: "e7", timestamp: Timestamp(rfc3339: "2026-10-15T09:05:00Z")!, tenantID: "acme", worker: "ai-agent-core",
            operation: "classification",
            usage: .llm(LLMCall(provider: "openai", model: "gpt-4o", tokens: LLMUsage(inputTokens: 10000, outputTokens: 3000)))),
        pricing: EventPricing(cost: Money(nanos: 55_000_000), priceReference: "openai/gpt-4o@2025-01-01", estimated: false, freeQuota: false),
        hash: .genesis)

    static func sku(_ component: String, price: String, from date: String) -> FocusSKU {
        FocusSKU(
            kind: .llm, publisher: "openai", product: "gpt-4o", component: component, tier: .standard, longContext: false,
            effectiveFrom: CivilDate(iso: date)!, listUnitPrice: Decimal6(price)!, discount: .zero)
    }

    @Test("a correction row: ChargeClass Correction, the summed amounts as cost, quantities and ListCost 0, billed in its month")
    func correctionRow() throws {
        // Given the hour 2026-10-15T09 with the event's usage, billed in October, and, billed in
        // November, a corrected row of 2026-11-20 (input 2.00, output 12.00 per 1M) adjusting it:
        // output +3000 × 2.00 / 1M = +0.006 and then -0.0015 (one row: +0.0045, two adjustments);
        // input 10000 × -0.50 / 1M = -0.005 (a credit).
        let hour = floorDivide(Self.record.event.timestamp.millis, FocusHour.millisPerHour)
        var rows = FocusHour(hour: hour)
        rows.add(Self.record, sku: Self.sku("input", price: "2.50", from: "2025-01-01"), quantity: 10000)
        rows.add(Self.record, sku: Self.sku("output", price: "10.00", from: "2025-01-01"), quantity: 3000)
        let november = CivilDate(iso: "2026-11-20")!
        let output = Self.sku("output", price: "12.00", from: "2026-11-20")
        rows.addCorrection(of: Self.record, sku: output, amount: Money(nanos: 6_000_000), billingMonth: november)
        rows.addCorrection(of: Self.record, sku: output, amount: Money(nanos: -1_500_000), billingMonth: november)
        rows.addCorrection(
            of: Self.record, sku: Self.sku("input", price: "2.00", from: "2026-11-20"), amount: Money(nanos: -5_000_000),
            billingMonth: november)

        // When the hour is written in both versions
        var writer14 = CSVWriter()
        var writer12 = CSVWriter()
        #expect(rows.writeRows(to: &writer14, version: .v1_4) == 4)
        #expect(rows.writeRows(to: &writer12, version: .v1_2) == 4)
        let lines14 = String(decoding: writer14.bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        let lines12 = String(decoding: writer12.bytes, as: UTF8.self).split(separator: "\n").map(String.init)

        // Then: input@2025-01-01, input@2026-11-20 (correction), output@2025-01-01, output@2026-11-20 (correction).
        #expect(lines14.map { $0.split(separator: ",")[0] } == ["0.025", "-0.005", "0.03", "0.0045"])
        let tags = #""{""operation"":""classification"",""worker"":""ai-agent-core""}""#
        // The charge period stays the usage hour; the billing period is November; cost 0.0045, list and
        // contracted cost 0 (= 12.00 × 0.0), consumed and pricing quantity 0, two adjustments in x_Requests.
        #expect(
            lines14.last
                == "0.0045,openai,openai,USD,2026-12-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,Correction,"
                + "gpt-4o output tokens (correction),Usage-Based,2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,0.0,Tokens,0.0,0.0045,"
                + "openai,,openai,0.0,12.0,0.0,1000000 Tokens,AI and Machine Learning,openai,openai,Generative AI,"
                + #"openai/gpt-4o/output,output,"{""x_Component"":""output""}",openai/gpt-4o/output@2026-11-20,acme,acme,"#
                + tags + ",2,0")
        #expect(
            lines12.last
                == "0.0045,openai,openai,USD,2026-12-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,Correction,"
                + "gpt-4o output tokens (correction),Usage-Based,2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,0.0,Tokens,0.0,0.0045,"
                + ",openai,0.0,12.0,0.0,1000000 Tokens,openai,openai,AI and Machine Learning,openai,Generative AI,"
                + #"openai/gpt-4o/output,output,"{""x_Component"":""output""}",openai/gpt-4o/output@2026-11-20,acme,acme,"#
                + tags + ",2,0")
        // The credit: a negative BilledCost and EffectiveCost, nothing else but its price.
        #expect(
            lines14[1]
                == "-0.005,openai,openai,USD,2026-12-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,Correction,"
                + "gpt-4o input tokens (correction),Usage-Based,2026-10-15T10:00:00Z,2026-10-15T09:00:00Z,,0.0,Tokens,0.0,-0.005,"
                + "openai,,openai,0.0,2.0,0.0,1000000 Tokens,AI and Machine Learning,openai,openai,Generative AI,"
                + #"openai/gpt-4o/input,input,"{""x_Component"":""input""}",openai/gpt-4o/input@2026-11-20,acme,acme,"#
                + tags + ",1,0")
        // The usage row keeps October, the month of its hour, and no charge class.
        #expect(lines14[2].hasPrefix("0.03,openai,openai,USD,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,Usage,,gpt-4o output tokens,"))
    }
}
