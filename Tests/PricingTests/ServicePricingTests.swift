import Pricing
import TestSupport
import Testing

@Suite("External API pricing")
struct ServicePricingTests {
    let prices: PriceTable
    let day = CivilDate(iso: "2026-11-24")!

    init() throws {
        prices = try PriceTable(directory: Repository.pricing)
    }

    @Test("the shipped table holds the seed's services")
    func seedServices() throws {
        let finder = try #require(prices.serviceRow(service: "hunter", operation: "email_finder", on: day))
        #expect(finder.pricePerCall.description == "0.03")
        #expect(finder.freeQuotaPerMonth == 25)
        #expect(prices.serviceRow(service: "hunter", operation: "email_verify", on: day)?.freeQuotaPerMonth == 50)
        #expect(prices.serviceRow(service: "google_maps", operation: "geocode", on: day)?.freeQuotaPerMonth == 40_000)
        #expect(prices.serviceRow(service: "resend", operation: "email_batch", on: day)?.pricePerUnit.description == "0.0008")
        #expect(prices.allServiceRows.count == 17)
        #expect(prices.serviceRow(service: "clearbit", operation: "lookup", on: day) == nil)
    }

    @Test("a call costs price_per_call + price_per_unit × units")
    func perCallAndUnits() throws {
        let batch = try #require(prices.serviceRow(service: "resend", operation: "email_batch", on: day))
        // 40 × 0.0008 = 0.032
        #expect(batch.quote(units: 40, succeeded: true, quotaUsed: 0).cost.description == "0.032000000")
        let template = try #require(prices.serviceRow(service: "whatsapp", operation: "message_template", on: day))
        #expect(template.quote(units: 3, succeeded: true, quotaUsed: 0).cost.description == "0.150000000")
    }

    @Test("inside the free quota a call is free; the call after the last free one pays")
    func freeQuota() throws {
        let finder = try #require(prices.serviceRow(service: "hunter", operation: "email_finder", on: day))
        let last = finder.quote(units: 1, succeeded: true, quotaUsed: 24)
        #expect(last.cost == .zero && last.insideFreeQuota && last.consumesQuota)
        let first = finder.quote(units: 1, succeeded: true, quotaUsed: 25)
        #expect(first.cost.description == "0.030000000" && !first.insideFreeQuota)
    }

    @Test("an errored call costs nothing and consumes no quota")
    func erroredCall() throws {
        let finder = try #require(prices.serviceRow(service: "hunter", operation: "email_finder", on: day))
        let quote = finder.quote(units: 1, succeeded: false, quotaUsed: 100)
        #expect(quote.cost == .zero && !quote.consumesQuota && !quote.insideFreeQuota)
    }
}
