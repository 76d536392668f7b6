import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization
import HTTPTypes

/// How long a client may take, and how many connections are held (contract section 16).
public struct ConnectionLimits: Sendable {
    /// A request's headers must all arrive within this, counted from its first byte (or from the
    /// connection's opening).
    public var headerTimeout: Duration = .seconds(10)
    /// A request body may pause at most this long between two reads.
    public var bodyTimeout: Duration = .seconds(30)
    /// An idle keep-alive connection is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections held at once; the next one is answered 503 and closed at once.
    public var maxConnections = 4_096

    public init() {}
}

/// Hummingbird's HTTP/1 channel with section 16's limits around it: a connection over the cap is
/// answered 503 and closed before any HTTP handler exists, and each held connection gets the
/// header and body timeouts (Hummingbird's own idle timeout closes idle keep-alive connections).
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    /// Bodies above this are refused before `Expect: 100-continue` is answered.
    let maxBodyBytes: Int
    let openConnections: OpenConnections

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, maxBodyBytes: Int) {
        inner = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: TimeAmount(limits.idleTimeout)))
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        openConnections = OpenConnections(limit: limits.maxConnections)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard openConnections.open() else {
            logger.warning("refused a connection: \(limits.maxConnections) are open (--max-connections)")
            let answer = APIError(
                status: .serviceUnavailable, code: "too_many_connections",
                message: "the server holds \(limits.maxConnections) connections; retry later")
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusingHandler(answer: answer), position: .first)
            }.flatMap {
                inner.setup(channel: channel, logger: logger)
            }
        }
        let (openConnections, limits, maxBodyBytes) = (openConnections, limits, maxBodyBytes)
        channel.closeFuture.whenComplete { _ in openConnections.close() }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestStartHandler(timeout: limits.headerTimeout), position: .first)
        }.flatMap {
            inner.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: RequestStartHandler.self)
            try pipeline.addHandler(
                RequestTimeoutHandler(start: state, bodyTimeout: limits.bodyTimeout, maxBodyBytes: maxBodyBytes),
                position: .before(try pipeline.handler(type: HTTPConnectionStateHandler.self)))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Answers a connection over the cap with 503 as soon as it is active, then closes it; the HTTP
/// handlers behind it never see a request.
final class RefusingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let answer: [UInt8]
    private var refused = false

    init(answer: APIError) {
        var head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
        head += "content-length: \(answer.body.count)\r\nconnection: close\r\nretry-after: 1\r\n\r\n"
        self.answer = Array(head.utf8) + answer.body
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    /// Whatever the client sent is dropped.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        guard !refused else { return }
        refused = true
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: answer)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// Counts the open connections against the cap.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a place; false (and nothing taken) when all are held.
    func open() -> Bool {
        if count.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        count.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func close() { count.wrappingSubtract(1, ordering: .relaxed) }
}
