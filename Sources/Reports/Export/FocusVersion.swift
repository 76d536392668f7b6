/// The FinOps FOCUS specification a FOCUS export follows (CONTRACT sections 10 and 14.4).
public enum FocusVersion: String, Sendable, CaseIterable {
    /// Section 10's file, as focus-validator 2.2.1 checks it.
    case v1_2 = "1.2"
    /// Section 14.4's file, as focus-data-toolkit's offline 1.4 validator checks it.
    case v1_4 = "1.4"

    /// What `export --format focus` writes when no version is asked for.
    public static let `default` = FocusVersion.v1_4

    /// The columns, in the order the contract fixes: the specification's names in alphabetical
    /// order, then the custom `x_` ones.
    var columns: [FocusColumn] {
        switch self {
        case .v1_2:
            [
                .billedCost, .billingAccountId, .billingAccountName, .billingCurrency, .billingPeriodEnd, .billingPeriodStart,
                .chargeCategory, .chargeClass, .chargeDescription, .chargeFrequency, .chargePeriodEnd, .chargePeriodStart,
                .commitmentDiscountStatus, .consumedQuantity, .consumedUnit, .contractedCost, .effectiveCost, .invoiceId,
                .invoiceIssuerName, .listCost, .listUnitPrice, .pricingQuantity, .pricingUnit, .providerName, .publisherName,
                .serviceCategory, .serviceName, .serviceSubcategory, .skuId, .skuMeter, .skuPriceDetails, .skuPriceId,
                .subAccountId, .subAccountName, .tags, .requests, .estimatedRequests,
            ]
        case .v1_4:
            // 1.2's, with ProviderName and PublisherName replaced by the two names 1.3 brought.
            [
                .billedCost, .billingAccountId, .billingAccountName, .billingCurrency, .billingPeriodEnd, .billingPeriodStart,
                .chargeCategory, .chargeClass, .chargeDescription, .chargeFrequency, .chargePeriodEnd, .chargePeriodStart,
                .commitmentDiscountStatus, .consumedQuantity, .consumedUnit, .contractedCost, .effectiveCost, .hostProviderName,
                .invoiceId, .invoiceIssuerName, .listCost, .listUnitPrice, .pricingQuantity, .pricingUnit, .serviceCategory,
                .serviceName, .serviceProviderName, .serviceSubcategory, .skuId, .skuMeter, .skuPriceDetails, .skuPriceId,
                .subAccountId, .subAccountName, .tags, .requests, .estimatedRequests,
            ]
        }
    }

    /// The header line's fields.
    public var columnNames: [String] { columns.map(\.rawValue) }
}
