import CostLedger
import Foundation
import Hummingbird
import NIOCore
import Reports

/// `POST /v1/traces`: an OTLP/HTTP trace export (contract 12.2), in protobuf or OTLP JSON,
/// optionally gzip; each span with GenAI usage becomes one event, through the same group commit
/// as `POST /v1/events`.
struct TracesRoute: Sendable {
    let tokens: TokenRegistry
    let writer: GroupCommitWriter
    let pricer: EventPricer
    let metrics: ServerMetrics
    let maxBodyBytes: Int

    /// The two encodings of OTLP/HTTP; the answer uses the request's.
    enum Encoding {
        case protobuf
        case json
    }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.ingest, .admin])
        let encoding: Encoding
        switch request.headers[.contentType]?.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces) {
        case "application/x-protobuf": encoding = .protobuf
        case "application/json": encoding = .json
        default:
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "an OTLP export is application/x-protobuf or application/json")
        }
        var body = try await request.collectBody(upTo: maxBodyBytes)
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity": break
        case "gzip": body = try gunzip(body, limit: maxBodyBytes)
        default:
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type", message: "Content-Encoding must be gzip or identity")
        }
        let export: OTLPTraceRequest
        do {
            export = try body.withUnsafeReadableBytes { bytes throws(OTLPDecodingError) in
                switch encoding {
                case .protobuf: try OTLPTraceRequest(protobuf: bytes)
                case .json: try OTLPTraceRequest(json: bytes)
                }
            }
        } catch {
            throw APIError.badRequest("the body is not an OTLP ExportTraceServiceRequest: \(error.message); nothing was stored", code: "invalid_otlp")
        }

        let decoder = EventDecoder()
        let defaultTenant = token.tenants.flatMap { $0.count == 1 ? $0.first : nil }
        var refusals: [EventError] = []
        var skipped = 0
        var batch = Ledger.Batch()
        for span in export.spans {
            switch decoder.decode(span: span, defaultTenant: defaultTenant) {
            case .skipped:
                skipped += 1
            case .rejected(let error):
                refusals.append(error)
            case .event(let event):
                guard token.allows(tenant: event.tenantID) else {
                    refusals.append(
                        EventError(.forbidden, "the span is for tenant \(event.tenantID), which this token may not write", eventID: event.id))
                    continue
                }
                let candidate = Ledger.Candidate(event, pricer: pricer)
                if let refusal = pricer.refusal(of: event, plan: candidate.plan) {
                    refusals.append(refusal)
                } else {
                    batch.append(candidate, pricer: pricer)
                }
            }
        }
        guard export.spans.count - skipped <= EventsRoute.maxEvents else {
            throw APIError.payloadTooLarge(
                "the export holds \(export.spans.count - skipped) usage spans; at most \(EventsRoute.maxEvents) per request; nothing was stored")
        }
        let outcomes = try await writer.commit(batch)
        var accepted = 0
        var duplicates = 0
        for outcome in outcomes {
            switch outcome {
            case .accepted: accepted += 1
            case .duplicate: duplicates += 1
            case .conflict(let error): refusals.append(error)
            }
        }
        metrics.spans(received: export.spans.count, skipped: skipped, accepted: accepted, duplicates: duplicates, rejected: refusals.count)
        let answer = OTLPTraceResponse(rejectedSpans: refusals.count, errorMessage: refusals.first.map { "\($0.code): \($0.message)" })
        switch encoding {
        case .protobuf:
            return Response(
                status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: answer.protobuf)))
        case .json:
            return Response.json(answer.json)
        }
    }
}

/// The answer to an export: how many usage spans were refused, and why the first was.
struct OTLPTraceResponse: Sendable, Hashable {
    var rejectedSpans: Int
    /// The first refusal's code and message.
    var errorMessage: String?

    /// `ExportTraceServiceResponse` in protobuf: empty when nothing was refused.
    var protobuf: [UInt8] {
        guard rejectedSpans > 0 || errorMessage != nil else { return [] }
        var partial: [UInt8] = []
        if rejectedSpans > 0 {
            partial.append(0x08)
            appendVarint(UInt64(rejectedSpans), to: &partial)
        }
        if let errorMessage {
            partial.append(0x12)
            appendVarint(UInt64(errorMessage.utf8.count), to: &partial)
            partial += errorMessage.utf8
        }
        var message: [UInt8] = [0x0A]
        appendVarint(UInt64(partial.count), to: &message)
        return message + partial
    }

    /// `ExportTraceServiceResponse` in OTLP JSON (`rejectedSpans` is an int64, so a string).
    var json: [UInt8] {
        guard rejectedSpans > 0 || errorMessage != nil else { return Array("{}\n".utf8) }
        var partial = JSONObjectWriter()
        partial.string("rejectedSpans", String(rejectedSpans))
        if let errorMessage { partial.string("errorMessage", errorMessage) }
        return Array(#"{"partialSuccess":"#.utf8) + partial.finish() + Array("}\n".utf8)
    }
}

private func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
        out.append(UInt8(value & 0x7F) | 0x80)
        value >>= 7
    }
    out.append(UInt8(value))
}
