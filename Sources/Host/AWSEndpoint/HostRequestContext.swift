import Hummingbird
import NIOCore

/// The request context of the host's HTTP servers: the peer address, and body limits checked by each API.
public struct HostRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Each API checks its own limit; this is the largest any of them accepts.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    /// The peer's IP address as text.
    public var sourceIP: String { remoteAddress?.ipAddress ?? "127.0.0.1" }
}
