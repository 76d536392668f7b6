import CostLedger
import Hummingbird
import NIOCore
import Reports

/// `POST /v1/events`: one event object, a JSON array of events, or NDJSON.
struct EventsRoute: Sendable {
    /// The most events one request may carry; a larger body gets 413.
    static let maxEvents = 100_000
    /// The most rejections an answer lists in full; `rejected_total` counts them all.
    static let maxListedRejections = 1_000

    let tokens: TokenRegistry
    let writer: GroupCommitWriter
    let pricer: EventPricer
    let metrics: ServerMetrics
    let maxBodyBytes: Int

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.ingest, .admin])
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let mediaType = request.headers[.contentType]?.lowercased() ?? ""
        let ndjson = mediaType.hasPrefix("application/x-ndjson") || mediaType.hasPrefix("application/ndjson")
        let decoder = EventDecoder()
        var rejected: [(index: Int, error: EventError)] = []
        var positions: [Int] = []
        var batch = Ledger.Batch()
        try body.withUnsafeReadableBytes { bytes in
            let ranges: [Range<Int>]
            switch Result(catching: { () throws(EventError) in try EventBody.split(bytes, ndjson: ndjson) }) {
            case .success(let split): ranges = split
            case .failure(let error): throw APIError.badRequest("\(error.message); nothing was stored", code: error.code.rawValue)
            }
            guard ranges.count <= Self.maxEvents else {
                throw APIError.payloadTooLarge("the body holds \(ranges.count) events; at most \(Self.maxEvents) per request; nothing was stored")
            }
            for (index, range) in ranges.enumerated() {
                let item = UnsafeRawBufferPointer(rebasing: bytes[range])
                switch Result(catching: { () throws(EventError) in try decoder.decode(item) }) {
                case .success(let event):
                    guard token.allows(tenant: event.tenantID) else {
                        throw APIError.forbidden(
                            "item \(index) is for tenant \(event.tenantID), which this token may not write; nothing was stored")
                    }
                    let candidate = Ledger.Candidate(event, pricer: pricer)
                    if let refusal = pricer.refusal(of: event, plan: candidate.plan) {
                        rejected.append((index, refusal))
                    } else {
                        batch.append(candidate, pricer: pricer)
                        positions.append(index)
                    }
                case .failure(let error):
                    rejected.append((index, error))
                }
            }
        }
        let outcomes = try await writer.commit(batch)
        var accepted = 0
        var duplicates = 0
        var late = 0
        for (position, outcome) in zip(positions, outcomes) {
            switch outcome {
            case .accepted(_, let isLate):
                accepted += 1
                if isLate { late += 1 }
            case .duplicate: duplicates += 1
            case .conflict(let error): rejected.append((position, error))
            }
        }
        rejected.sort { $0.index < $1.index }
        metrics.events(accepted: accepted, duplicates: duplicates, rejected: rejected.count)
        return Response.json(Self.answer(accepted: accepted, duplicates: duplicates, late: late, rejected: rejected))
    }

    /// `{"accepted":N,"duplicates":N,"late":N,"rejected":[…the first 1,000…],"rejected_total":N}`.
    static func answer(accepted: Int, duplicates: Int, late: Int, rejected: [(index: Int, error: EventError)]) -> [UInt8] {
        var json = Array(#"{"accepted":\#(accepted),"duplicates":\#(duplicates),"late":\#(late),"rejected":["#.utf8)
        for (number, item) in rejected.prefix(maxListedRejections).enumerated() {
            var object = JSONObjectWriter(into: number == 0 ? [] : [UInt8(ascii: ",")])
            object.integer("index", item.index)
            if let id = item.error.eventID { object.string("id", id) }
            object.string("error", item.error.code.rawValue)
            object.string("message", item.error.message)
            json += object.finish()
        }
        json += Array(#"],"rejected_total":\#(rejected.count)}"#.utf8) + [0x0A]
        return json
    }
}

extension Request {
    /// The whole body, at most `limit` bytes (413 above, by `Content-Length` or as it arrives;
    /// 400 for a body cut short).
    func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.payloadTooLarge("the body is \(declared) bytes; at most \(limit) are accepted")
        }
        do {
            return try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge("the body is larger than \(limit) bytes")
        } catch {
            throw APIError.badRequest("the body ended before it was complete; nothing was stored")
        }
    }
}

extension Response {
    /// A 200 (or `status`) response with a JSON body.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
