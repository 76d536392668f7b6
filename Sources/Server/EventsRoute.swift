import CostLedger
import Hummingbird
import NIOCore
import Reports

/// `POST /v1/events`: one event object, a JSON array of events, or NDJSON.
struct EventsRoute: Sendable {
    let tokens: TokenRegistry
    let writer: GroupCommitWriter
    let pricer: EventPricer
    let metrics: ServerMetrics
    let maxBodyBytes: Int

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.ingest, .admin])
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let ndjson = request.headers[.contentType]?.lowercased().hasPrefix("application/x-ndjson") ?? false
        let decoder = EventDecoder()
        var rejected: [(index: Int, error: EventError)] = []
        var positions: [Int] = []
        var batch = Ledger.Batch()
        try body.withUnsafeReadableBytes { bytes in
            let ranges: [Range<Int>]
            switch Result(catching: { () throws(EventError) in try EventBody.split(bytes, ndjson: ndjson) }) {
            case .success(let split): ranges = split
            case .failure(let error): throw HTTPError(.badRequest, message: "\(error.message); nothing was stored")
            }
            for (index, range) in ranges.enumerated() {
                let item = UnsafeRawBufferPointer(rebasing: bytes[range])
                switch Result(catching: { () throws(EventError) in try decoder.decode(item) }) {
                case .success(let event):
                    guard token.allows(tenant: event.tenantID) else {
                        throw HTTPError(.forbidden, message: "item \(index) is for tenant \(event.tenantID), which this token may not write; nothing was stored")
                    }
                    batch.append(Ledger.Candidate(event, pricer: pricer), pricer: pricer)
                    positions.append(index)
                case .failure(let error):
                    rejected.append((index, error))
                }
            }
        }
        let outcomes: [Ledger.AppendOutcome]
        do {
            outcomes = try await writer.submit(batch)
        } catch let refusal as GroupCommitWriter.Refusal {
            let reason = refusal == .queueFull ? "the ingest queue is full" : "the server is shutting down"
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "\(reason); retry later")
        }
        var accepted = 0
        var duplicates = 0
        for (position, outcome) in zip(positions, outcomes) {
            switch outcome {
            case .accepted: accepted += 1
            case .duplicate: duplicates += 1
            case .conflict(let error): rejected.append((position, error))
            }
        }
        rejected.sort { $0.index < $1.index }
        metrics.events(accepted: accepted, duplicates: duplicates, rejected: rejected.count)
        var json = Array(#"{"accepted":\#(accepted),"duplicates":\#(duplicates),"rejected":["#.utf8)
        for (number, item) in rejected.enumerated() {
            var object = JSONObjectWriter(into: number == 0 ? [] : [UInt8(ascii: ",")])
            object.integer("index", item.index)
            if let id = item.error.eventID { object.string("id", id) }
            object.string("error", item.error.code.rawValue)
            object.string("message", item.error.message)
            json += object.finish()
        }
        json += Array("]}\n".utf8)
        return Response.json(json)
    }
}

extension Response {
    /// A 200 (or `status`) response with a JSON body.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
