import Hummingbird
import NIOCore

/// The request context of the host's HTTP servers: the peer address, and body limits checked by each API.
public struct HostRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The port the request came in on.
    public let localPort: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        localPort = source.channel.localAddress?.port ?? 0
    }

    /// The body limit of the REST APIs that take small JSON documents (the mapping and Pipes APIs); the JSON APIs
    /// and Invoke have their own.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The peer's IP address as text.
    public var sourceIP: String { remoteAddress?.ipAddress ?? "127.0.0.1" }
}
