import Hummingbird
import Reports

/// An error answer of the HTTP API: its status and a JSON body
/// `{"error":{"code":"…","message":"…"}}`. Every 4xx and 5xx the server sends has this shape.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    /// A stable, machine-readable name of the error (`unauthorized`, `payload_too_large`, …).
    var code: String
    /// What went wrong, for a person; never a file path or a secret.
    var message: String
    var headers: HTTPFields

    init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(status: .badRequest, code: code, message: message)
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }

    static func payloadTooLarge(_ message: String) -> APIError {
        // The rest of the body is not read: the connection cannot be reused.
        APIError(status: .contentTooLarge, code: "payload_too_large", message: message, headers: [.connection: "close"])
    }

    static func serviceUnavailable(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, code: "service_unavailable", message: message, headers: [.retryAfter: "1"])
    }

    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized", message: "a valid bearer token is required", headers: [.wwwAuthenticate: "Bearer"])

    static let internalError = APIError(
        status: .internalServerError, code: "internal_error", message: "the server failed to answer; its log has the reason")

    /// The answer for an error Hummingbird raised itself (404, 413, …), in the API's shape.
    init(_ error: HTTPError) {
        let code: String
        switch error.status {
        case .notFound: code = "not_found"
        case .contentTooLarge: code = "payload_too_large"
        case .badRequest: code = "bad_request"
        default: code = error.status.code >= 500 ? "internal_error" : "http_\(error.status.code)"
        }
        self.init(status: error.status, code: code, message: error.body ?? error.status.reasonPhrase.lowercased(), headers: error.headers)
        if error.status == .contentTooLarge {
            message = error.body ?? "the request body is larger than the server accepts"
            headers[.connection] = "close"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `{"error":{"code":…,"message":…}}` and a newline.
    var body: [UInt8] {
        var object = JSONObjectWriter(into: Array(#"{"error":"#.utf8))
        object.string("code", code)
        object.string("message", message)
        return object.finish() + Array("}\n".utf8)
    }
}
