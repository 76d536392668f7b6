import CSVCodec
import CostLedger
import Pricing

/// The FOCUS rows of one UTC hour while its events stream in.
///
/// Only one hour is held in memory: the export writes it out and starts the next when the
/// timestamp-ordered stream crosses into a later hour. The hour is the rows' charge period; each
/// row also names the month it is billed in and whether it is usage or a correction of it
/// (CONTRACT section 14.3), so late events and adjustments fit beside the hour's own events.
struct FocusHour {
    /// Hours since the epoch.
    let hour: Int64
    /// The first day of the hour's UTC month: where its events are billed unless they came late.
    let usageMonth: CivilDate
    private var groups: [Key: Group] = [:]

    static let millisPerHour: Int64 = 3_600_000

    init(hour: Int64) {
        self.hour = hour
        usageMonth = CivilDate(utcMillis: hour * Self.millisPerHour).firstOfMonth
    }

    /// FOCUS `ChargeClass`: usage as billed (null), or a correction of what an earlier month billed.
    enum ChargeClass: Hashable, Comparable {
        case regular
        case correction
    }

    /// What makes two components one row: the tenant, the SKU price, the billing month, whether
    /// the row is billed at list price or inside a free quota, and whether it is a correction.
    struct Key: Hashable {
        var tenantID: String
        var sku: FocusSKU
        var freeQuota: Bool
        var chargeClass: ChargeClass
        /// The first day of the month the row is billed in.
        var billingMonth: CivilDate
    }

    /// The sums of one row.
    struct Group {
        var quantity: Int64 = 0
        /// What a correction row bills: the sum of its adjustments (0 for usage rows, whose cost
        /// follows from the quantity and the SKU's price).
        var correction = Money.zero
        var requests: Int64 = 0
        var estimatedRequests: Int64 = 0
        var operation = TagValue.unset
        var worker = TagValue.unset
    }

    /// A tag's value over a row's events: one value for all of them, or several.
    enum TagValue {
        case unset
        case one(String)
        case varies

        mutating func add(_ value: String) {
            switch self {
            case .unset: self = .one(value)
            case .one(let current) where current != value: self = .varies
            case .one, .varies: break
            }
        }

        var value: String? {
            if case .one(let value) = self { return value }
            return nil
        }
    }

    var isEmpty: Bool { groups.isEmpty }

    /// Adds one component of one event of this hour.
    /// - Parameter billingMonth: any day of the month the event is billed in; nil for the month
    ///   of its hour (an event that did not come late).
    mutating func add(_ record: LedgerRecord, sku: FocusSKU, quantity: Int64, billingMonth: CivilDate? = nil) {
        let key = Key(
            tenantID: record.event.tenantID, sku: sku, freeQuota: record.pricing.freeQuota, chargeClass: .regular,
            billingMonth: billingMonth?.firstOfMonth ?? usageMonth)
        groups[key, default: Group()].add(record, quantity: quantity)
    }

    /// Adds an adjustment of `record` (an event of this hour) to its correction row: `ChargeClass`
    /// `Correction`, quantities 0, `BilledCost` and `EffectiveCost` the sum of the row's amounts,
    /// `ListCost` and `ContractedCost` 0 (they are `ListUnitPrice × PricingQuantity`).
    /// - Parameters:
    ///   - sku: the component the amount corrects, at the price that bills it now.
    ///   - amount: what the adjustment adds to the cost billed so far; negative for a credit.
    ///   - billingMonth: any day of the month the adjustment is billed in.
    mutating func addCorrection(of record: LedgerRecord, sku: FocusSKU, amount: Money, billingMonth: CivilDate) {
        let key = Key(
            tenantID: record.event.tenantID, sku: sku, freeQuota: false, chargeClass: .correction,
            billingMonth: billingMonth.firstOfMonth)
        groups[key, default: Group()].add(record, quantity: 0)
        groups[key]?.correction += amount
    }

    /// Appends the hour's rows in a fixed order (tenant, `SkuId`, `SkuPriceId`, billing month,
    /// list price before free quota, usage before correction) and returns how many there were.
    func writeRows(to writer: inout CSVWriter, version: FocusVersion) -> Int {
        let start = hour * Self.millisPerHour
        let date = CivilDate(utcMillis: start)
        let hourOfDay = (start - date.startMillis) / Self.millisPerHour
        let endDate = CivilDate(utcMillis: start + Self.millisPerHour)
        let hourEnd = (start + Self.millisPerHour - endDate.startMillis) / Self.millisPerHour
        let charge = (start: "\(date)T\(pad(hourOfDay, 2)):00:00Z", end: "\(endDate)T\(pad(hourEnd, 2)):00:00Z")

        let rows = groups.map { (key: $0.key, group: $0.value, skuID: $0.key.sku.skuID, skuPriceID: $0.key.sku.skuPriceID) }
            .sorted {
                ($0.key.tenantID, $0.skuID, $0.skuPriceID, $0.key.billingMonth, $0.key.freeQuota ? 1 : 0, $0.key.chargeClass)
                    < ($1.key.tenantID, $1.skuID, $1.skuPriceID, $1.key.billingMonth, $1.key.freeQuota ? 1 : 0, $1.key.chargeClass)
            }
        for row in rows {
            let cells = FocusRow(
                key: row.key, group: row.group, skuID: row.skuID, skuPriceID: row.skuPriceID, chargeStart: charge.start,
                chargeEnd: charge.end)
            writer.writeRecord(version.columns.map { cells.value(of: $0, in: version) })
        }
        return rows.count
    }
}

extension FocusHour {
    /// `value / 10^scale` as a plain decimal with no more digits than needed but at least one
    /// after the point (`"0.000125"`, `"3.0"`): a column of whole numbers would otherwise read as
    /// integers, and FOCUS quantities and amounts must be decimals.
    static func decimal(_ value: Int128, scale: Int) -> String {
        ExactDecimal.format(value * 10, scale: scale + 1, minFractionDigits: 1)
    }
}

extension FocusHour.Group {
    fileprivate mutating func add(_ record: LedgerRecord, quantity: Int64) {
        self.quantity += quantity
        requests += 1
        if record.pricing.estimated { estimatedRequests += 1 }
        operation.add(record.event.operation)
        worker.add(record.event.worker)
    }
}
