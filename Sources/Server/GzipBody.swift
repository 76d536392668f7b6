import CZlib
import HTTPTypes
import NIOCore

/// Decompresses a `Content-Encoding: gzip` body, refusing more than `limit` bytes of output
/// (the body limit holds after decompression too, so a small bomb cannot fill memory).
///
/// - Throws: ``APIError`` 413 above the limit, 400 for bytes that are not gzip.
func gunzip(_ body: ByteBuffer, limit: Int) throws(APIError) -> ByteBuffer {
    var stream = z_stream()
    // 16 + 15: a gzip wrapper and the largest window.
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw APIError(status: .internalServerError, code: "internal_error", message: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var output = ByteBuffer()
    let chunk = 64 * 1024
    var input = body
    let result: Result<Void, APIError> = input.withUnsafeMutableReadableBytes { compressed in
        stream.next_in = compressed.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(compressed.count)
        while true {
            guard output.readableBytes <= limit else {
                return .failure(.payloadTooLarge("the body decompresses to more than \(limit) bytes; nothing was stored"))
            }
            var status = Z_OK
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { space in
                stream.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(space.count)
                status = inflate(&stream, Z_NO_FLUSH)
                return space.count - Int(stream.avail_out)
            }
            switch status {
            case Z_STREAM_END:
                guard stream.avail_in == 0 else { return .failure(.badRequest("the gzip body has bytes after its end")) }
                guard output.readableBytes <= limit else {
                    return .failure(.payloadTooLarge("the body decompresses to more than \(limit) bytes; nothing was stored"))
                }
                return .success(())
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                return .failure(.badRequest("the gzip body ends before its end"))
            default:
                return .failure(.badRequest("the body is not valid gzip"))
            }
        }
    }
    try result.get()
    return output
}
