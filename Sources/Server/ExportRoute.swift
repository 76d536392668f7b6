import App
import CostLedger
import Foundation
import Hummingbird
import Logging
import NIOCore
import Pricing
import Reports

/// `GET /v1/exports/costs.csv?from=&to=&tenant=&format=csv|focus&focus_version=1.4|1.2` (or
/// `billing_month=YYYY-MM` instead of `from` and `to`, contract 14.3): the export of
/// `costledger export` (the same use case, ``LedgerApp/export(_:format:to:parallel:)``), streamed
/// while a thread of the export pool walks the ledger. At most four
/// chunks (about 1 MiB) wait for the client, so memory stays flat however large the export, and a
/// slow client holds only its own export.
///
/// A failure before the first byte is a 500; after it, the connection is aborted (the chunked
/// body is never terminated), so a client cannot mistake a truncated file for a whole one. The
/// reason goes to the log only.
struct ExportRoute: Sendable {
    /// Chunks waiting for the client.
    static let queuedChunks = 4

    let tokens: TokenRegistry
    let app: LedgerApp
    let prices: PriceTable
    let work: BlockingWork
    /// How long a client may take no chunk before its export is abandoned.
    let stallTimeout: TimeInterval

    func handle(_ request: Request, context: APIRequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let tenant = request.uri.queryParameters["tenant"].map(String.init)
        if let tenant, !token.allows(tenant: tenant) {
            throw APIError.forbidden("this token may not read tenant \(tenant)")
        }
        if tenant == nil && token.tenants != nil {
            throw APIError.forbidden("this token may read only some tenants: name one with tenant=")
        }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "csv"
        guard format == "csv" || format == "focus" else { throw APIError.badRequest("format must be csv or focus") }
        let exportFormat = try Self.exportFormat(format, focusVersion: request.uri.queryParameters["focus_version"], prices: prices)

        let query = try Self.query(request, tenant: tenant)

        let pipe = ChunkPipe(capacity: Self.queuedChunks, stallTimeout: stallTimeout)
        guard work.open(pipe, on: context.channel) else { throw APIError.serviceUnavailable("the server is shutting down") }
        let reader = PipeReader(pipe)
        let (app, work, logger) = (app, work, context.logger)
        // Not a child of this request's task: the producer runs while the response streams.
        Task(executorPreference: work.exports) {
            defer { work.close(pipe) }
            guard pipe.endReason == nil else { return pipe.finish() }
            do {
                let output = OutputFile { bytes in try pipe.put(bytes) }
                _ = try await app.export(query, format: exportFormat, to: output)
                try output.flush()
                pipe.finish()
            } catch {
                switch pipe.endReason {
                case .stalled: logger.warning("export abandoned: the client took nothing for \(Int(stallTimeout)) s")
                case .cancelled: logger.debug("export stopped: the client went away")
                case nil: logger.error("export failed: \(error)")
                }
                pipe.finish(throwing: error)
            }
        }

        let first: [UInt8]?
        do {
            first = try await reader.next()
        } catch is ChunkPipe.Ended {
            throw APIError.serviceUnavailable("the export was cancelled")
        } catch is CancellationError {
            throw APIError.serviceUnavailable("the export was cancelled")
        } catch {
            throw APIError.internalError
        }
        let channel = context.channel
        let body = ResponseBody { writer in
            do {
                if let first { try await writer.write(ByteBuffer(bytes: first)) }
                while let chunk = try await reader.next() {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
            } catch {
                // Abort: close the connection so the body is never terminated.
                reader.cancel()
                channel.close(promise: nil)
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: body)
    }
}

extension ExportRoute {
    /// The events `from`/`to` or `billing_month` select, for `tenant` or all.
    static func query(_ request: Request, tenant: String?) throws(APIError) -> RecordQuery {
        let params = request.uri.queryParameters
        guard let text = params["billing_month"].map(String.init) else {
            let (from, to) = try request.period()
            return RecordQuery(from: from, to: to, tenantID: tenant)
        }
        guard params["from"] == nil, params["to"] == nil else { throw .badRequest("billing_month replaces from and to: give one or the other") }
        guard let month = CivilMonth(iso: text) else { throw .badRequest("billing_month must be a month YYYY-MM") }
        return RecordQuery(tenantID: tenant, billingMonth: month)
    }

    /// The export `format` and `focus_version` ask for; FOCUS 1.4 unless 1.2 is named.
    /// - Throws: ``APIError`` 400 for a version that is not 1.2 or 1.4, or one given with `format=csv`.
    static func exportFormat(_ format: String, focusVersion: Substring?, prices: PriceTable) throws -> LedgerApp.ExportFormat {
        guard format == "focus" else {
            guard focusVersion == nil else { throw APIError.badRequest("focus_version applies only to format=focus") }
            return .lineItems(.csv)
        }
        guard let focusVersion else { return .focus(prices, .default) }
        guard let version = FocusVersion(rawValue: String(focusVersion)) else {
            throw APIError.badRequest("focus_version must be \(FocusVersion.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return .focus(prices, version)
    }
}

/// The consumer's end of a ``ChunkPipe``: when it goes away (a HEAD request drops the body, a
/// task ends early), the producer is told to stop.
final class PipeReader: Sendable {
    private let pipe: ChunkPipe

    init(_ pipe: ChunkPipe) { self.pipe = pipe }

    deinit { pipe.cancel() }

    func next() async throws -> [UInt8]? { try await pipe.next() }

    func cancel() { pipe.cancel() }
}
