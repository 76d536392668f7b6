/// The kinds of saving the optimiser looks for (contract section 8).
public enum RecommendationCategory: String, Sendable, Hashable, CaseIterable {
    case modelSelection = "model_selection"
    case caching
    case promptOptimization = "prompt_optimization"
    case batching
    case quotaManagement = "quota_management"
}
