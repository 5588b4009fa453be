// LIMITATIONS (API Gateway): HTTP APIs only (no REST APIs, payload format 1.0 or WebSockets); every API of the
// topology is served on the one API port (their route keys must differ) with the `$default` stage; Lambda REQUEST
// authorizers with simple responses only (no JWT authorizers or IAM policy responses); no custom domains, throttling or
// parameter mapping; the 30 s integration timeout is not enforced beyond the function's own timeout.

import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP APIs on their port (default `127.0.0.1:3000`): route → payload 2.0 event → Lambda → response. Every
/// API of the topology is served here; a route's API gives the event its `apiId` and the response its CORS headers.
public struct APIGateway: HTTPResponder {
    public typealias Context = HostRequestContext
    /// API Gateway's request limit.
    static let maximumBodySize = 10 * 1024 * 1024

    struct API: Sendable {
        var configuration: HTTPAPIConfiguration
        var mapping: HTTPAPIMapping
    }

    let apis: [String: API]
    let routes: RouteTable
    let lambda: LambdaService
    let logger: Logger
    /// Records each request as the first hop of its trace (API Gateway's own segment); nil passes the trace header
    /// through.
    let tracer: TraceRecorder?
    /// The routes' Lambda authorizers and their cached decisions.
    let authorizers: LambdaAuthorizers
    /// The host's clock: request times (`requestContext.time`) and the authorizers' cache count by it.
    let now: @Sendable () -> Date

    init(
        configurations: [HTTPAPIConfiguration], lambda: LambdaService, logger: Logger, tracer: TraceRecorder? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.tracer = tracer
        self.now = now
        var apis: [String: API] = [:]
        for configuration in configurations {
            apis[configuration.name] = API(
                configuration: configuration,
                mapping: HTTPAPIMapping(apiID: Self.apiID(configuration.name), accountID: lambda.accountID))
        }
        self.apis = apis
        self.routes = try RouteTable(configurations.flatMap(\.routes))
        self.lambda = lambda
        self.logger = logger
        self.authorizers = LambdaAuthorizers(lambda: lambda, now: now)
    }

    /// A stable id per API name, shaped like AWS's (10 lower-case letters and digits).
    public static func apiID(_ name: String) -> String {
        let digest = name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        return String(String(digest, radix: 36).suffix(10))
    }

    /// The API a request belongs to: the one owning its route (for a preflight, a route of the requested method).
    func api(method: String, path: String) -> API? {
        routes.match(method: method, path: path).flatMap { apis[$0.route.api] }
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = HTTPAPIMapping.newRequestID()
        let origin = request.headers[.origin]
        let method = request.method.rawValue
        let mapped = await handle(request, context: context, requestID: requestID, origin: origin)
        var headers = HTTPFields()
        for (name, value) in mapped.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let preflightMethod = request.headers[HTTPField.Name("access-control-request-method")!]
        let cors = api(method: method == "OPTIONS" ? preflightMethod ?? method : method, path: request.uri.path)?
            .configuration.cors
        if let origin, let cors, method != "OPTIONS" || mapped.status != 204 {
            for (name, value) in cors.responseHeaders(origin: origin) where headers[HTTPField.Name(name)!] == nil {
                headers[HTTPField.Name(name)!] = value
            }
        }
        headers[HTTPField.Name("apigw-requestid")!] = requestID
        logger.debug("\(method) \(request.uri.path) → \(mapped.status)", metadata: ["requestId": .string(requestID)])
        return Response(
            status: .init(code: mapped.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: mapped.body)))
    }

    private func handle(_ request: Request, context: Context, requestID: String, origin: String?) async
        -> HTTPAPIMapping.MappedResponse
    {
        let method = request.method.rawValue
        // CORS preflight is answered by API Gateway itself when the API configures CORS.
        if method == "OPTIONS", let origin,
            let requestedMethod = request.headers[HTTPField.Name("access-control-request-method")!],
            let cors = api(method: requestedMethod, path: request.uri.path)?.configuration.cors
        {
            let requested = request.headers[HTTPField.Name("access-control-request-headers")!]
            return .init(
                status: 204, headers: cors.preflightHeaders(origin: origin, requestHeaders: requested) ?? [], body: [])
        }
        let rawPath = request.uri.path
        guard let match = routes.match(method: method, path: rawPath), let mapping = apis[match.route.api]?.mapping
        else { return .notFound }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodySize)
        } catch is NIOTooManyBytesError {
            return .tooLarge
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return .tooLarge
        } catch {
            return .badRequest  // the body ended early or its chunks were malformed
        }
        // HTTP/1.1's Host arrives as the request's authority.
        let host = request.head.authority.map { [(name: "Host", value: $0)] } ?? []
        let incomingTrace = request.headers[HTTPField.Name("X-Amzn-Trace-Id")!]
        let segment =
            tracer == nil ? nil : incomingTrace.flatMap(TraceSegment.init(continuing:)) ?? TraceSegment.starting()
        let traceID = segment?.header ?? incomingTrace ?? LambdaService.newTraceID()
        let incoming = IncomingHTTPRequest(
            method: method,
            rawPath: rawPath,
            rawQueryString: request.uri.query ?? "",
            headers: host + request.headers.map { ($0.name.rawName, $0.value) },
            body: Array(body.readableBytesView),
            sourceIP: context.sourceIP,
            localPort: context.localPort,
            traceID: traceID
        )
        var event = mapping.event(
            for: incoming, routeKey: match.route.key, pathParameters: match.pathParameters, requestID: requestID,
            now: now())
        // The route's authorizer decides first: refused, the function is not called.
        if let name = match.route.authorizer, let authorizer = apis[match.route.api]?.configuration.authorizers[name] {
            switch await authorizers.decide(event, authorizer: authorizer, traceID: traceID) {
            case .refuse(let response):
                return response
            case .allow(let context):
                event.requestContext.authorizer = .init(lambda: context ?? [:])
            }
        }
        guard let payload = try? JSONEncoder().encode(event) else { return .internalServerError }
        // Lambda takes at most 6 MB synchronously; a bigger event (a body near API Gateway's 10 MB) never reaches
        // the function.
        guard payload.count <= 6_291_456 else { return .tooLarge }
        let start = Date().timeIntervalSince1970
        let started = ContinuousClock.now
        let result: InvocationResult
        do {
            result = try await lambda.invoke(
                match.route.function, payload: Array(payload), options: InvokeOptions(traceID: traceID))
        } catch {
            logger.error("route \(match.route.key): \(error.message)")
            return .internalServerError
        }
        if let error = result.error {
            let link = segment.map { " (trace: \(lambda.awsEndpoint.value)/_host/console/traces/\($0.root))" } ?? ""
            logger.warning(
                "route \(match.route.key): \(match.route.function) failed: \(error.errorType): \(error.errorMessage)\(link)"
            )
        }
        let response = mapping.response(for: result)
        if let tracer, let segment {
            let elapsed = ContinuousClock.now - started
            tracer.record(
                TraceHop(
                    id: segment.id, traceID: segment.root, parentID: segment.parent, service: "apigateway",
                    operation: match.route.key, resource: match.route.api, source: "Client", start: start,
                    duration: elapsed.seconds,
                    status: response.status >= 500 ? .fault : response.status >= 400 ? .error : .ok,
                    error: response.status >= 400 ? "HTTP \(response.status)" : nil,
                    keys: [requestID] + match.pathParameters.values
                        + Self.correlationKeys(request: incoming.headers, response: response.headers),
                    payload: TraceHop.text(incoming.body),
                    response: TraceHop.text(response.body)))
        }
        return response
    }

    /// The `x-correlation-id` of a request or its response (the convention of many services, the commerce APIs
    /// included): a key its trace is found by, so one id finds every request of an order.
    static func correlationKeys(request: [(name: String, value: String)], response: [(String, String)]) -> [String] {
        var keys: [String] = []
        for (name, value) in request.map({ ($0.name, $0.value) }) + response
        where name.lowercased() == "x-correlation-id" && !value.isEmpty && value.utf8.count <= 128
            && !keys.contains(value)
        {
            keys.append(value)
        }
        return keys
    }
}
