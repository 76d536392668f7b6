import Pricing

/// One saving the optimiser found (contract section 8).
public struct Recommendation: Sendable, Hashable {
    /// The kinds of saving.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case modelSelection = "model_selection"
        case caching
        case promptOptimization = "prompt_optimization"
        case batching
        case quotaManagement = "quota_management"
    }

    public enum Priority: String, Sendable, Hashable {
        case high, medium, low
    }

    /// Stable: the same category, tenant and subject give the same id.
    public var id: String
    public var tenantID: String
    public var category: Category
    public var priority: Priority
    public var title: String
    public var description: String
    /// Scaled to 30 days from the window's length; never negative.
    public var estimatedMonthlySavings: Money
    public var implementation: String
    public var currentMetric: String
    public var targetMetric: String

    /// An id from the category, tenant and subject (FNV-1a 64, hex), stable across runs and machines.
    static func stableID(_ category: Category, _ tenantID: String, _ subject: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ([category.rawValue, tenantID] + subject).joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "rec-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
