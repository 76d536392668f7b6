import Foundation

/// The server's own Prometheus metrics (`GET /metrics`): requests, events, OTLP spans, commits, queue depth.
///
/// `@unchecked Sendable`: every stored property is read and written only while holding `lock`.
public final class ServerMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [RequestKey: Int64] = [:]
    private var events: [String: Int64] = ["accepted": 0, "duplicate": 0, "rejected": 0]
    private var spansReceived: Int64 = 0
    private var spans: [String: Int64] = ["skipped": 0, "accepted": 0, "duplicate": 0, "rejected": 0]
    private var batchSizes = Histogram(bounds: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000])
    private var commitSeconds = Histogram(bounds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
    private var queued = 0

    private struct RequestKey: Hashable {
        var route: String
        var status: Int
    }

    private struct Histogram {
        let bounds: [Double]
        var counts: [Int64]
        var sum: Double = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = [Int64](repeating: 0, count: bounds.count + 1)
        }

        mutating func observe(_ value: Double) {
            counts[bounds.firstIndex { value <= $0 } ?? bounds.count] += 1
            sum += value
        }
    }

    public init() {}

    func request(route: String, status: Int) {
        lock.withLock { requests[RequestKey(route: route, status: status), default: 0] += 1 }
    }

    func events(accepted: Int, duplicates: Int, rejected: Int) {
        lock.withLock {
            events["accepted", default: 0] += Int64(accepted)
            events["duplicate", default: 0] += Int64(duplicates)
            events["rejected", default: 0] += Int64(rejected)
        }
    }

    /// An OTLP export's spans: all received, and each one's outcome.
    func spans(received: Int, skipped: Int, accepted: Int, duplicates: Int, rejected: Int) {
        lock.withLock {
            spansReceived += Int64(received)
            spans["skipped", default: 0] += Int64(skipped)
            spans["accepted", default: 0] += Int64(accepted)
            spans["duplicate", default: 0] += Int64(duplicates)
            spans["rejected", default: 0] += Int64(rejected)
        }
    }

    func commit(events count: Int, seconds: Double) {
        lock.withLock {
            batchSizes.observe(Double(count))
            commitSeconds.observe(seconds)
        }
    }

    func queueDepth(_ events: Int) {
        lock.withLock { queued = events }
    }

    /// The text exposition format.
    public func render() -> String {
        lock.withLock {
            var out = "# HELP costledger_server_requests_total HTTP requests by route and status.\n"
            out += "# TYPE costledger_server_requests_total counter\n"
            for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
                out += "costledger_server_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(count)\n"
            }
            out += "# HELP costledger_server_events_total Events posted, by outcome.\n# TYPE costledger_server_events_total counter\n"
            for (outcome, count) in events.sorted(by: { $0.key < $1.key }) {
                out += "costledger_server_events_total{outcome=\"\(outcome)\"} \(count)\n"
            }
            out += "# HELP costledger_server_spans_received_total OTLP spans received on /v1/traces.\n"
            out += "# TYPE costledger_server_spans_received_total counter\ncostledger_server_spans_received_total \(spansReceived)\n"
            out += "# HELP costledger_server_spans_total OTLP spans by outcome (skipped: no GenAI usage).\n"
            out += "# TYPE costledger_server_spans_total counter\n"
            for (outcome, count) in spans.sorted(by: { $0.key < $1.key }) {
                out += "costledger_server_spans_total{outcome=\"\(outcome)\"} \(count)\n"
            }
            out += histogram("costledger_server_commit_batch_events", "Events per group commit.", batchSizes)
            out += histogram("costledger_server_commit_seconds", "Duration of a group commit (one transaction and fsync).", commitSeconds)
            out += "# HELP costledger_server_queue_events Events waiting for the writer.\n# TYPE costledger_server_queue_events gauge\n"
            out += "costledger_server_queue_events \(queued)\n"
            return out
        }
    }

    private func histogram(_ name: String, _ help: String, _ histogram: Histogram) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative: Int64 = 0
        for (bound, count) in zip(histogram.bounds.map { "\($0)" } + ["+Inf"], histogram.counts) {
            cumulative += count
            out += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_sum \(histogram.sum)\n\(name)_count \(cumulative)\n"
        return out
    }
}
