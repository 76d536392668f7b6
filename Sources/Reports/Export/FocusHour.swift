import CSVCodec
import CostLedger
import Pricing

/// The FOCUS rows of one UTC hour while its events stream in.
///
/// Only one hour is held in memory: the export writes it out and starts the next when the
/// timestamp-ordered stream crosses into a later hour.
struct FocusHour {
    /// Hours since the epoch.
    let hour: Int64
    private var groups: [Key: Group] = [:]

    static let millisPerHour: Int64 = 3_600_000

    init(hour: Int64) {
        self.hour = hour
    }

    /// What makes two components one row: the tenant, the SKU price, and whether the row is
    /// billed at list price or inside a free quota.
    struct Key: Hashable {
        var tenantID: String
        var sku: FocusSKU
        var freeQuota: Bool
    }

    /// The sums of one row.
    struct Group {
        var quantity: Int64 = 0
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

    /// Adds one component of one event.
    mutating func add(_ record: LedgerRecord, sku: FocusSKU, quantity: Int64) {
        let key = Key(tenantID: record.event.tenantID, sku: sku, freeQuota: record.pricing.freeQuota)
        groups[key, default: Group()].add(record, quantity: quantity)
    }

    /// Appends the hour's rows in a fixed order (tenant, `SkuId`, `SkuPriceId`, list price before
    /// free quota) and returns how many there were.
    func writeRows(to writer: inout CSVWriter) -> Int {
        let start = hour * Self.millisPerHour
        let date = CivilDate(utcMillis: start)
        let hourOfDay = (start - date.startMillis) / Self.millisPerHour
        let month = date.firstOfMonth
        let nextMonth = CivilDate(daysSinceEpoch: month.daysSinceEpoch + 31).firstOfMonth
        let endDate = CivilDate(utcMillis: start + Self.millisPerHour)
        let hourEnd = (start + Self.millisPerHour - endDate.startMillis) / Self.millisPerHour
        let period = Period(
            chargeStart: "\(date)T\(pad(hourOfDay, 2)):00:00Z", chargeEnd: "\(endDate)T\(pad(hourEnd, 2)):00:00Z",
            billingStart: "\(month)T00:00:00Z", billingEnd: "\(nextMonth)T00:00:00Z")

        let rows = groups.map { (key: $0.key, group: $0.value, skuID: $0.key.sku.skuID, skuPriceID: $0.key.sku.skuPriceID) }
            .sorted {
                ($0.key.tenantID, $0.skuID, $0.skuPriceID, $0.key.freeQuota ? 1 : 0)
                    < ($1.key.tenantID, $1.skuID, $1.skuPriceID, $1.key.freeQuota ? 1 : 0)
            }
        for row in rows {
            writer.writeRecord(
                Self.fields(key: row.key, group: row.group, skuID: row.skuID, skuPriceID: row.skuPriceID, period: period))
        }
        return rows.count
    }

    /// The hour's and its month's bounds, as FOCUS datetimes.
    struct Period {
        var chargeStart: String
        var chargeEnd: String
        var billingStart: String
        var billingEnd: String
    }

    /// One row in ``FocusExport/columns`` order.
    private static func fields(key: Key, group: Group, skuID: String, skuPriceID: String, period: Period) -> [String] {
        let sku = key.sku
        let unit = sku.unit
        // ListCost = ListUnitPrice × PricingQuantity: quantity × millionths, at the quantity's scale + 6.
        let listScale = unit.pricingScale + 6
        let list = Int128(group.quantity) * Int128(sku.listUnitPrice.millionths)
        // BilledCost = ListCost × (1 - discount): 6 more digits; nothing for calls inside a free quota.
        let billed = key.freeQuota ? 0 : list * Int128(Decimal6.one.millionths - sku.discount.millionths)
        let listCost = decimal(list, scale: listScale)
        let billedCost = decimal(billed, scale: listScale + 6)

        var details = JSONObjectWriter()
        details.string("x_Component", sku.component)
        var tags = JSONObjectWriter()
        if let operation = group.operation.value { tags.string("operation", operation) }
        if let worker = group.worker.value { tags.string("worker", worker) }

        let publisher = sku.publisher
        let description = sku.chargeDescription + (key.freeQuota ? " (free quota)" : "")
        let isLLM = sku.kind == .llm
        return [
            billedCost,  // BilledCost
            publisher,  // BillingAccountId
            publisher,  // BillingAccountName
            "USD",  // BillingCurrency
            period.billingEnd,  // BillingPeriodEnd
            period.billingStart,  // BillingPeriodStart
            "Usage",  // ChargeCategory
            "",  // ChargeClass
            description,  // ChargeDescription
            "Usage-Based",  // ChargeFrequency
            period.chargeEnd,  // ChargePeriodEnd
            period.chargeStart,  // ChargePeriodStart
            "",  // CommitmentDiscountStatus
            Self.decimal(Int128(group.quantity), scale: 0),  // ConsumedQuantity
            unit.consumedUnit,  // ConsumedUnit
            listCost,  // ContractedCost
            billedCost,  // EffectiveCost
            "",  // InvoiceId
            publisher,  // InvoiceIssuerName
            listCost,  // ListCost
            sku.listUnitPrice.description,  // ListUnitPrice
            Self.decimal(Int128(group.quantity), scale: unit.pricingScale),  // PricingQuantity
            unit.pricingUnit,  // PricingUnit
            publisher,  // ProviderName
            publisher,  // PublisherName
            isLLM ? "AI and Machine Learning" : "Other",  // ServiceCategory
            publisher,  // ServiceName
            isLLM ? "Generative AI" : "Other",  // ServiceSubcategory
            skuID,  // SkuId
            sku.component,  // SkuMeter
            String(decoding: details.finish(), as: UTF8.self),  // SkuPriceDetails
            skuPriceID,  // SkuPriceId
            key.tenantID,  // SubAccountId
            key.tenantID,  // SubAccountName
            String(decoding: tags.finish(), as: UTF8.self),  // Tags
            String(group.requests),  // x_Requests
            String(group.estimatedRequests),  // x_EstimatedRequests
        ]
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
