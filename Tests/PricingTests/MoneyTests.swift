import Pricing
import Testing

@Suite("Money and exact decimals")
struct MoneyTests {
    @Test("formats nano-USD with exactly 9 fractional digits")
    func formatting() {
        #expect(Money(nanos: 12_345_000_000).description == "12.345000000")
        #expect(Money(nanos: 1).description == "0.000000001")
        #expect(Money(nanos: -1_500_000_000).description == "-1.500000000")
        #expect(Money.zero.description == "0.000000000")
    }

    @Test("parses decimal USD exactly")
    func parsing() {
        #expect(Money(decimal: "12.5")?.nanos == 12_500_000_000)
        #expect(Money(decimal: "0.000000001")?.nanos == 1)
        #expect(Money(decimal: "100")?.nanos == 100_000_000_000)
        #expect(Money(decimal: "0.0000000001") == nil)
        #expect(Money(decimal: "1e3") == nil)
        #expect(Money(decimal: "") == nil)
        #expect(Money(decimal: "1.2.3") == nil)
    }

    @Test("rounds half to even, for both signs", arguments: [
        (Int128(25), Int128(2)), (35, 4), (26, 3), (24, 2), (-25, -2), (-35, -4), (-26, -3), (20, 2),
    ])
    func halfToEven(value: Int128, expected: Int128) {
        #expect(divideRoundingHalfToEven(value, 10) == expected)
    }

    @Test("Decimal6 takes at most 6 fractional digits, no sign, no exponent")
    func decimal6() {
        #expect(Decimal6("3.00")?.millionths == 3_000_000)
        #expect(Decimal6("0.025")?.millionths == 25_000)
        #expect(Decimal6("0.3125")?.millionths == 312_500)
        #expect(Decimal6("0.000001")?.millionths == 1)
        #expect(Decimal6("0.0000001") == nil)
        #expect(Decimal6("-1") == nil)
        #expect(Decimal6("1e3") == nil)
        #expect(Decimal6(" 1") == nil)
        #expect(Decimal6("1000.000001") == nil)
        #expect(Decimal6("0.025")?.description == "0.025")
        #expect(Decimal6("15")?.description == "15.0")
    }

    @Test("civil dates round-trip and know month lengths")
    func civilDates() {
        #expect(CivilDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CivilDate(iso: "2026-11-24")?.description == "2026-11-24")
        #expect(CivilDate(iso: "2024-02-29") != nil)
        #expect(CivilDate(iso: "2026-02-29") == nil)
        #expect(CivilDate(iso: "2026-13-01") == nil)
        #expect(CivilDate(iso: "1969-12-31")?.daysSinceEpoch == -1)
        #expect(CivilDate(utcMillis: -1).description == "1969-12-31")
        #expect(CivilDate(iso: "2026-11-24")?.monthKey == "2026-11")
    }
}
