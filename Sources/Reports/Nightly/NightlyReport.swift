import BudgetEngine
import CostLedger
import Foundation
import Pricing

/// The nightly job's files for one `as_of` (contract sections 7 and 15.1), each written atomically.
public struct NightlyReport {
    public let snapshot: ReportSnapshot
    public var metricPrefix = "cerniq_etapa3_"
    /// Whether `report-DATE.html` is written (off only to measure what the page costs).
    public var writesPage = true

    public init(snapshot: ReportSnapshot) {
        self.snapshot = snapshot
    }

    /// Writes every file into `directory` (created when missing) and returns their paths.
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let date = snapshot.dateStamp
        // Each table once, for both its CSV and its JSON.
        let summary = snapshot.costSummary
        let budgets = snapshot.budgetsTable
        let recommendations = snapshot.recommendationsTable
        let reconciliation = snapshot.reconciliationTable
        let externalAPI = snapshot.externalAPITable
        let corrections = snapshot.corrections.correctionsTable
        let lateEvents = snapshot.corrections.lateEventsTable
        var files: [(String, [UInt8])] = [
            ("cost-summary-\(date).csv", summary.csvBytes),
            ("cost-summary-\(date).json", summary.jsonBytes),
            ("budgets-\(date).csv", budgets.csvBytes),
            ("budgets-\(date).json", budgets.jsonBytes),
            ("recommendations-\(date).csv", recommendations.csvBytes),
            ("recommendations-\(date).json", recommendations.jsonBytes),
            ("external-api-\(date).csv", externalAPI.csvBytes),
            ("reconciliation-\(date).csv", reconciliation.csvBytes),
            ("reconciliation-\(date).json", reconciliation.jsonBytes),
            ("corrections-\(date).csv", corrections.csvBytes),
            ("late-events-\(date).csv", lateEvents.csvBytes),
            ("ledger-head-\(date).json", snapshot.headJSONBytes),
            ("costledger.prom", Array(snapshot.prometheusTextfile(prefix: metricPrefix).utf8)),
        ]
        if writesPage {
            // A view of the very tables written above, not a second computation.
            let page = ReportPage(
                snapshot.pageInput(
                    costSummary: summary, budgets: budgets, recommendations: recommendations, externalAPI: externalAPI,
                    reconciliation: reconciliation,
                    lateEventsAndCorrections: ReportPage.LateEventsAndCorrections(lateEvents: lateEvents, corrections: corrections)))
            files.append(("report-\(date).html", page.bytes))
        }
        var written: [String] = []
        for (name, bytes) in files {
            let path = directory + "/" + name
            try writeAtomically(bytes, to: path)
            written.append(path)
        }
        return written
    }
}
