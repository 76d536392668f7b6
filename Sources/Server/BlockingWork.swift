import Foundation
import NIOCore
import ServiceLifecycle

/// The server's blocking work and its streams: one pool for the read routes, one for exports,
/// and the exports being streamed. On graceful shutdown it aborts the open streams (a client
/// that stopped reading must not keep the server alive) and refuses new ones, then lets the
/// pools' threads end.
///
/// `@unchecked Sendable`: `streams` and `stopping` are touched only under `lock`.
final class BlockingWork: Service, @unchecked Sendable {
    /// Budgets, costs and recommendations.
    let reads: BlockingPool
    /// Export producers; each may wait on its slow client, so they never share the read pool.
    let exports: BlockingPool

    private let lock = NSLock()
    private var streams: [ObjectIdentifier: (pipe: ChunkPipe, channel: any Channel)] = [:]
    private var stopping = false

    init(readThreads: Int, exportThreads: Int) {
        reads = BlockingPool(threads: readThreads, name: "costledger-read")
        exports = BlockingPool(threads: exportThreads, name: "costledger-export")
    }

    /// Registers a stream to abort on shutdown; false when the server is already stopping.
    func open(_ pipe: ChunkPipe, on channel: any Channel) -> Bool {
        lock.withLock {
            if stopping { return false }
            streams[ObjectIdentifier(pipe)] = (pipe, channel)
            return true
        }
    }

    /// Forgets a stream that ended; a stalled one's connection is closed, so a client that stopped
    /// reading does not hold it for ever.
    func close(_ pipe: ChunkPipe) {
        let stream = lock.withLock { streams.removeValue(forKey: ObjectIdentifier(pipe)) }
        if pipe.endReason == .stalled { stream?.channel.close(promise: nil) }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let open = lock.withLock {
            stopping = true
            defer { streams = [:] }
            return Array(streams.values)
        }
        for stream in open {
            stream.pipe.cancel()
            stream.channel.close(promise: nil)
        }
        reads.stop()
        exports.stop()
    }
}
