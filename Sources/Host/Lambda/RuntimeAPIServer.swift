import NIOCore
import NIOHTTP1
import NIOPosix

/// A request to one environment's Runtime API, fully read.
struct RuntimeAPIRequest: Sendable {
    enum Route: Equatable, Sendable {
        case next
        case response(requestID: String)
        case error(requestID: String)
        case initError
        case unknown
    }

    var route: Route
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Bytes received; larger than `body.count` when the body passed ``RuntimeAPIServer/maximumBodySize``.
    var receivedBytes: Int
    var trailers: HTTPHeaders?

    var isTooLarge: Bool { receivedBytes > RuntimeAPIServer.maximumBodySize }

    static func route(method: HTTPMethod, uri: String) -> Route {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "2018-06-01", parts[1] == "runtime" else { return .unknown }
        switch (method, parts.count, parts[2]) {
        case (.GET, 4, "invocation") where parts[3] == "next": return .next
        case (.POST, 5, "invocation") where parts[4] == "response": return .response(requestID: String(parts[3]))
        case (.POST, 5, "invocation") where parts[4] == "error": return .error(requestID: String(parts[3]))
        case (.POST, 4, "init") where parts[3] == "error": return .initError
        default: return .unknown
        }
    }
}

/// Answers one Runtime API request, now or later (a parked `/next`), from any thread.
struct RuntimeAPIResponder: Sendable {
    let channel: any Channel
    /// False when the request asked for `Connection: close` (or was HTTP/1.0 without keep-alive).
    var keepAlive = true

    /// Writes head, body and end, flushed once, so they leave in one segment; `written` learns whether the write
    /// reached the socket.
    func send(
        status: HTTPResponseStatus, headers: [(String, String)] = [], body: [UInt8],
        written: (@Sendable (Bool) -> Void)? = nil
    ) {
        let channel = self.channel
        let keepAlive = self.keepAlive
        let write: @Sendable () -> Void = {
            var head = HTTPHeaders()
            head.reserveCapacity(headers.count + 2)
            for (name, value) in headers { head.add(name: name, value: value) }
            head.add(name: "Content-Length", value: String(body.count))
            if !headers.contains(where: { $0.0 == "Content-Type" }) {
                head.add(name: "Content-Type", value: "application/json")
            }
            if !keepAlive { head.add(name: "Connection", value: "close") }
            let buffer = channel.allocator.buffer(bytes: body)
            channel.write(
                HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: head)),
                promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
            let end = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
            end.whenComplete { result in
                if !keepAlive { channel.close(promise: nil) }
                if case .failure = result { written?(false) } else { written?(true) }
            }
        }
        if channel.eventLoop.inEventLoop { write() } else { channel.eventLoop.execute(write) }
    }

    func sendJSON(status: HTTPResponseStatus, _ text: String) {
        send(status: status, body: Array(text.utf8))
    }
}

/// One execution environment's Runtime API listener on `127.0.0.1:<ephemeral port>`.
final class RuntimeAPIServer: Sendable {
    /// RIE's `MaxPayloadSize`: 6 MiB + 100 bytes.
    static let maximumBodySize = 6 * 1024 * 1024 + 100

    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(
        group: any EventLoopGroup, policy: LocalRequestPolicy = LocalRequestPolicy(),
        handler: @escaping @Sendable (RuntimeAPIRequest, RuntimeAPIResponder) -> Void,
        onDisconnect: @escaping @Sendable (any Channel) -> Void = { _ in }
    ) async throws -> RuntimeAPIServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RuntimeAPIChannelHandler(policy: policy, handler: handler, onDisconnect: onDisconnect))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return RuntimeAPIServer(channel: channel)
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Collects one request at a time (the pipeline serialises them) and hands it over.
private final class RuntimeAPIChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let policy: LocalRequestPolicy
    private let handler: @Sendable (RuntimeAPIRequest, RuntimeAPIResponder) -> Void
    private let onDisconnect: @Sendable (any Channel) -> Void
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var received = 0

    init(
        policy: LocalRequestPolicy,
        handler: @escaping @Sendable (RuntimeAPIRequest, RuntimeAPIResponder) -> Void,
        onDisconnect: @escaping @Sendable (any Channel) -> Void
    ) {
        self.policy = policy
        self.handler = handler
        self.onDisconnect = onDisconnect
    }

    func channelInactive(context: ChannelHandlerContext) {
        onDisconnect(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            received = 0
            // Clients that send `Expect: 100-continue` wait for this before the body (curl: up to 1 s).
            if head.headers.first(name: "Expect")?.lowercased() == "100-continue" {
                let interim = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.head(interim)), promise: nil)
            }
        case .body(var buffer):
            received += buffer.readableBytes
            if received <= RuntimeAPIServer.maximumBodySize {
                buffer.readWithUnsafeReadableBytes { bytes in
                    body.append(contentsOf: bytes)
                    return bytes.count
                }
            }
        case .end(let trailers):
            guard let head else { return }
            self.head = nil
            let request = RuntimeAPIRequest(
                route: RuntimeAPIRequest.route(method: head.method, uri: head.uri),
                headers: head.headers,
                body: body,
                receivedBytes: received,
                trailers: trailers
            )
            body = []
            if let reason = policy.refusal(
                host: head.headers.first(name: "Host"), origin: head.headers.first(name: "Origin"))
            {
                // Not the function's runtime: a web page. It gets an error and the connection closes.
                RuntimeAPIResponder(channel: context.channel, keepAlive: false).sendJSON(
                    status: .forbidden,
                    #"{"errorMessage":"\#(reason.replacingOccurrences(of: "\"", with: "'"))","errorType":"Forbidden"}"#)
                return
            }
            handler(request, RuntimeAPIResponder(channel: context.channel, keepAlive: head.isKeepAlive))
        }
    }
}
