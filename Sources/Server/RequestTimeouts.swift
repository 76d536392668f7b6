import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// First in the pipeline, on raw bytes: starts the header timeout when a connection opens and
/// when the first byte of a request arrives after a complete answer; ``RequestTimeoutHandler``
/// stops it once the request's head is decoded. A client that trickles its headers (slowloris) is
/// closed when it fires.
final class RequestStartHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Heads decoded and answers completed: equal while the connection waits for a request.
    fileprivate var headsDecoded = 0
    fileprivate var answersCompleted = 0
    fileprivate var readingBody = false

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    private var waitingForHead: Bool { headsDecoded == answersCompleted && !readingBody }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startTimer(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if waitingForHead { startTimer(context) }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        context.fireChannelInactive()
    }

    fileprivate func stopTimer() {
        timer?.cancel()
        timer = nil
    }

    private func startTimer(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [context] in
            context.close(promise: nil)
        }
    }
}

/// After HTTP decoding: stops the header timeout at each request head, closes a connection whose
/// body pauses longer than the body timeout, answers `Expect: 100-continue` (unless the declared
/// body is too large, which the route then refuses without reading it), and closes the
/// connection after an answer that says `Connection: close`.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let start: RequestStartHandler
    private let bodyTimeout: TimeAmount
    private let maxBodyBytes: Int
    private var bodyTimer: Scheduled<Void>?
    private var closeAfterAnswer = false

    init(start: RequestStartHandler, bodyTimeout: Duration, maxBodyBytes: Int) {
        self.start = start
        self.bodyTimeout = TimeAmount(bodyTimeout)
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            start.stopTimer()
            start.headsDecoded += 1
            start.readingBody = true
            restartBodyTimer(context)
            if head.headerFields[.expect]?.lowercased() == "100-continue" {
                let declared = head.headerFields[.contentLength].flatMap(Int.init) ?? 0
                if declared <= maxBodyBytes {
                    context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
                }
            }
        case .body:
            restartBodyTimer(context)
        case .end:
            start.readingBody = false
            bodyTimer?.cancel()
            bodyTimer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterAnswer = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            start.answersCompleted += 1
            if closeAfterAnswer {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
            } else {
                context.write(data, promise: promise)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
    }

    private func restartBodyTimer(_ context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        bodyTimer = context.eventLoop.assumeIsolated().scheduleTask(in: bodyTimeout) { [context] in
            context.close(promise: nil)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
