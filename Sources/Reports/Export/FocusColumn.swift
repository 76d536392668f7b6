/// A column of the FOCUS files, named as the specification (or, for `x_`, costledger) names it.
enum FocusColumn: String, Sendable {
    case billedCost = "BilledCost"
    case billingAccountId = "BillingAccountId"
    case billingAccountName = "BillingAccountName"
    case billingCurrency = "BillingCurrency"
    case billingPeriodEnd = "BillingPeriodEnd"
    case billingPeriodStart = "BillingPeriodStart"
    case chargeCategory = "ChargeCategory"
    case chargeClass = "ChargeClass"
    case chargeDescription = "ChargeDescription"
    case chargeFrequency = "ChargeFrequency"
    case chargePeriodEnd = "ChargePeriodEnd"
    case chargePeriodStart = "ChargePeriodStart"
    case commitmentDiscountStatus = "CommitmentDiscountStatus"
    case consumedQuantity = "ConsumedQuantity"
    case consumedUnit = "ConsumedUnit"
    case contractedCost = "ContractedCost"
    case effectiveCost = "EffectiveCost"
    /// 1.3 on: who hosts the service (for costledger, the provider or service itself).
    case hostProviderName = "HostProviderName"
    case invoiceId = "InvoiceId"
    case invoiceIssuerName = "InvoiceIssuerName"
    case listCost = "ListCost"
    case listUnitPrice = "ListUnitPrice"
    case pricingQuantity = "PricingQuantity"
    case pricingUnit = "PricingUnit"
    /// Up to 1.2; 1.3 replaced it with ``serviceProviderName``.
    case providerName = "ProviderName"
    /// Up to 1.2; 1.3 replaced it with ``hostProviderName``.
    case publisherName = "PublisherName"
    case serviceCategory = "ServiceCategory"
    case serviceName = "ServiceName"
    /// 1.3 on: who provides the service.
    case serviceProviderName = "ServiceProviderName"
    case serviceSubcategory = "ServiceSubcategory"
    case skuId = "SkuId"
    case skuMeter = "SkuMeter"
    case skuPriceDetails = "SkuPriceDetails"
    case skuPriceId = "SkuPriceId"
    case subAccountId = "SubAccountId"
    case subAccountName = "SubAccountName"
    case tags = "Tags"
    /// Events in the row (in a correction row, the adjustments).
    case requests = "x_Requests"
    /// Those of them priced by a fallback row.
    case estimatedRequests = "x_EstimatedRequests"
}
