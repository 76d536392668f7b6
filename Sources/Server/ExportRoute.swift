import CostLedger
import Foundation
import Hummingbird
import NIOCore
import Pricing
import Reports

/// `GET /v1/exports/costs.csv?from=&to=&tenant=&format=csv|focus`: the export of
/// `costledger export`, streamed in chunks while a reader thread walks the ledger. At most four
/// chunks (about 1 MiB) wait for the client, so memory stays flat however large the export.
struct ExportRoute: Sendable {
    let tokens: TokenRegistry
    let databasePath: String
    let prices: PriceTable

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let token = try tokens.authorize(request, roles: [.finance, .admin])
        let from = try instant(request, "from")
        let to = try instant(request, "to")
        let tenant = request.uri.queryParameters["tenant"].map(String.init)
        if let tenant, !token.allows(tenant: tenant) {
            throw HTTPError(.forbidden, message: "this token may not read tenant \(tenant)")
        }
        if tenant == nil && token.tenants != nil {
            throw HTTPError(.forbidden, message: "this token may read only some tenants: name one with tenant=")
        }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "csv"
        guard format == "csv" || format == "focus" else { throw HTTPError(.badRequest, message: "format must be csv or focus") }
        let query = RecordQuery(from: from, to: to, tenantID: tenant)
        let (path, prices) = (databasePath, prices)
        let chunks = AsyncStream<[UInt8]>.makeStream()
        let room = DispatchSemaphore(value: 4)
        let cancelled = CancellationFlag()
        DispatchQueue.global().async {
            defer { chunks.continuation.finish() }
            let output = OutputFile { bytes in
                room.wait()
                if cancelled.isSet { throw CancellationError() }
                chunks.continuation.yield(bytes)
            }
            do {
                let store = try SQLiteLedgerStore(path: path)
                if format == "csv" {
                    _ = try LedgerExport(query: query, format: .csv).write(from: store, to: output)
                } else {
                    _ = try FocusExport(query: query, prices: prices).write(from: store, to: output)
                }
                try output.flush()
            } catch {
                // Headers are gone already: the response ends early, which the client sees as a truncated body.
                chunks.continuation.yield(Array("\nexport failed: \(error)\n".utf8))
            }
        }
        let body = ResponseBody { writer in
            defer {
                cancelled.set()
                room.signal()
            }
            for await chunk in chunks.stream {
                try await writer.write(ByteBuffer(bytes: chunk))
                room.signal()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: body)
    }
}

/// Set once by the response when the client is gone, read by the reader thread.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
