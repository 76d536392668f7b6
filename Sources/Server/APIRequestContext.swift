import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the connection, so a
/// streamed answer can be aborted (a failed or abandoned export, a shutdown).
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
