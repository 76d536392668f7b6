import CostLedger
import Pricing

/// The cells of one FOCUS row, worked out once and laid out in the columns of either version.
struct FocusRow {
    private let key: FocusHour.Key
    private let group: FocusHour.Group
    private let skuID: String
    private let skuPriceID: String
    private let chargeStart: String
    private let chargeEnd: String
    private let listCost: String
    private let billedCost: String

    init(key: FocusHour.Key, group: FocusHour.Group, skuID: String, skuPriceID: String, chargeStart: String, chargeEnd: String) {
        self.key = key
        self.group = group
        self.skuID = skuID
        self.skuPriceID = skuPriceID
        self.chargeStart = chargeStart
        self.chargeEnd = chargeEnd
        let sku = key.sku
        // ListCost = ListUnitPrice × PricingQuantity: quantity × millionths, at the quantity's scale + 6.
        let listScale = sku.unit.pricingScale + 6
        let list = Int128(group.quantity) * Int128(sku.listUnitPrice.millionths)
        listCost = FocusHour.decimal(list, scale: listScale)
        switch key.chargeClass {
        case .regular:
            // BilledCost = ListCost × (1 - discount): 6 more digits; nothing for calls inside a free quota.
            let billed = key.freeQuota ? 0 : list * Int128(Decimal6.one.millionths - sku.discount.millionths)
            billedCost = FocusHour.decimal(billed, scale: listScale + 6)
        case .correction:
            billedCost = FocusHour.decimal(Int128(group.correction.nanos), scale: 9)
        }
    }

    /// The cell of `column` in a file of `version`.
    func value(of column: FocusColumn, in version: FocusVersion) -> String {
        let sku = key.sku
        let isLLM = sku.kind == .llm
        switch column {
        case .billedCost, .effectiveCost: return billedCost
        case .listCost, .contractedCost: return listCost
        // The provider (LLM) or service (API) bills, provides and hosts what it sells.
        case .billingAccountId, .billingAccountName, .invoiceIssuerName, .providerName, .publisherName, .serviceName,
            .serviceProviderName, .hostProviderName:
            return sku.publisher
        case .billingCurrency: return "USD"
        case .billingPeriodStart: return "\(key.billingMonth)T00:00:00Z"
        case .billingPeriodEnd: return "\(CivilDate(daysSinceEpoch: key.billingMonth.daysSinceEpoch + 31).firstOfMonth)T00:00:00Z"
        case .chargePeriodStart: return chargeStart
        case .chargePeriodEnd: return chargeEnd
        case .chargeCategory: return "Usage"
        case .chargeClass: return key.chargeClass == .correction ? "Correction" : ""
        case .chargeDescription:
            switch key.chargeClass {
            case .regular: return sku.chargeDescription + (key.freeQuota ? " (free quota)" : "")
            case .correction: return sku.chargeDescription + " (correction)"
            }
        case .chargeFrequency: return "Usage-Based"
        // No commitment discounts; costledger issues no invoices.
        case .commitmentDiscountStatus, .invoiceId: return ""
        case .consumedQuantity: return FocusHour.decimal(Int128(group.quantity), scale: 0)
        case .consumedUnit: return sku.unit.consumedUnit
        case .listUnitPrice: return sku.listUnitPrice.description
        case .pricingQuantity: return FocusHour.decimal(Int128(group.quantity), scale: sku.unit.pricingScale)
        case .pricingUnit: return sku.unit.pricingUnit
        case .serviceCategory: return isLLM ? "AI and Machine Learning" : "Other"
        // 1.3 on, every subcategory belongs to one category: the catch-all is "Other (Other)".
        case .serviceSubcategory: return isLLM ? "Generative AI" : version == .v1_2 ? "Other" : "Other (Other)"
        case .skuId: return skuID
        case .skuMeter: return sku.component
        case .skuPriceDetails:
            var details = JSONObjectWriter()
            details.string("x_Component", sku.component)
            return String(decoding: details.finish(), as: UTF8.self)
        case .skuPriceId: return skuPriceID
        case .subAccountId, .subAccountName: return key.tenantID
        case .tags:
            var tags = JSONObjectWriter()
            if let operation = group.operation.value { tags.string("operation", operation) }
            if let worker = group.worker.value { tags.string("worker", worker) }
            return String(decoding: tags.finish(), as: UTF8.self)
        case .requests: return String(group.requests)
        case .estimatedRequests: return String(group.estimatedRequests)
        }
    }
}
