import CostLedger
import Foundation
import Hummingbird
import Pricing

extension Request {
    /// An instant query parameter: a UTC date `YYYY-MM-DD` or an RFC 3339 time.
    func instant(_ name: String, default fallback: Timestamp? = nil) throws(APIError) -> Timestamp {
        guard let text = uri.queryParameters[Substring(name)].map(String.init) else {
            if let fallback { return fallback }
            throw .badRequest("the query parameter \(name) is required")
        }
        if let date = CivilDate(iso: text) { return Timestamp(date: date) }
        if let time = Timestamp(rfc3339: text) { return time }
        throw .badRequest("\(name) must be a YYYY-MM-DD date or an RFC 3339 time")
    }

    /// The `[from, to)` range of the query; `to` before `from` is refused.
    func period() throws(APIError) -> (from: Timestamp, to: Timestamp) {
        let from = try instant("from")
        let to = try instant("to")
        guard from.millis <= to.millis else { throw .badRequest("to (\(to)) is before from (\(from))") }
        return (from, to)
    }
}

extension APIRequestContext {
    /// A path parameter, percent-decoded (`a%2Bb` is `a+b`).
    func pathParameter(_ name: String) throws(APIError) -> String {
        guard let raw = parameters.get(name), let decoded = raw.removingPercentEncoding else {
            throw .badRequest("the path parameter \(name) is not valid percent-encoding")
        }
        return decoded
    }
}
