import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The host's one endpoint for every AWS API (default `127.0.0.1:4566`): requests are dispatched on their path
/// (REST APIs such as Lambda's) or their `X-Amz-Target` (JSON APIs), so the `aws` CLI and SDKs work unchanged
/// with `--endpoint-url`.
public struct AWSEndpoint: HTTPResponder {
    public typealias Context = HostRequestContext
    let lambda: LambdaService
    let asyncInvocations: LambdaAsyncInvocations
    let eventSourceMappings: EventSourceMappingService
    let pipes: PipeService
    /// The JSON-protocol APIs, chosen by `X-Amz-Target`.
    /// The JSON-protocol services (DynamoDB and its streams, SQS, EventBridge, Logs).
    let routers: [AWSJSONRouter]
    /// Sees every operation (tracing, faults, logs).
    let hook: (any AWSOperationHook)?
    /// The REST-protocol services (Lambda, event source mappings, Pipes), routed by path.
    let rest: RouterResponder<HostRequestContext>
    /// Which `Host` and `Origin` headers are accepted (web pages are refused).
    let policy: LocalRequestPolicy
    /// Checks every request's SigV4 signature (`--verify-signatures`); nil accepts any.
    let verifier: SignatureVerifier?
    /// The console (`/_host/console/`) and the host's trace API (`/_host/traces`).
    let console: Console?
    /// The fault list (`/_host/chaos/faults`) and the added latency (`/_host/chaos/effects`).
    let faults: FaultInjector?
    /// The host's clock (`/_host/clock`).
    let clock: ClockAPI?
    /// STS's GetCallerIdentity.
    let sts: SecurityTokenService

    init(
        lambda: LambdaService, asyncInvocations: LambdaAsyncInvocations,
        eventSourceMappings: EventSourceMappingService, pipes: PipeService, routers: [AWSJSONRouter],
        xray: XRayAPI = XRayAPI(store: nil, account: "000000000000"), console: Console? = nil,
        faults: FaultInjector? = nil, clock: ClockAPI? = nil, hook: (any AWSOperationHook)? = nil,
        policy: LocalRequestPolicy = LocalRequestPolicy(), verifier: SignatureVerifier? = nil,
        account: String = "000000000000"
    ) {
        sts = SecurityTokenService(account: account)
        self.verifier = verifier
        self.console = console
        self.faults = faults
        self.clock = clock
        self.lambda = lambda
        self.asyncInvocations = asyncInvocations
        self.eventSourceMappings = eventSourceMappings
        self.pipes = pipes
        self.routers = routers
        self.hook = hook
        rest = AWSRESTRoutes.responder(
            lambda: LambdaAPI(lambda: lambda, asyncInvocations: asyncInvocations),
            mappings: EventSourceMappingAPI(service: eventSourceMappings), pipes: PipesAPI(service: pipes), xray: xray,
            hook: hook)
        self.policy = policy
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        if let reason = policy.refusal(
            host: request.head.authority, origin: request.headers[HTTPField.Name("Origin")!])
        {
            var response = AWSError(
                "AccessDeniedException", "The host refuses this request: \(reason).", status: .forbidden
            )
            .response
            response.headers[.connection] = "close"
            return response
        }
        do {
            if let verifier, !request.uri.path.hasPrefix("/_host/"), let service = Self.signingName(of: request) {
                var request = request
                // A JSON API's own limit; the REST APIs' (Invoke's is the largest of Lambda's).
                let target = request.headers[HTTPField.Name("X-Amz-Target")!]
                let router = target.flatMap { target in routers.first { $0.serves(target) } }
                let limit = router?.maximumRequestSize ?? (service == "lambda" ? 6_291_456 : context.maxUploadSize)
                let body = try await request.collectBody(
                    limit: limit,
                    tooLarge: router?.tooLarge
                        ?? (service == "lambda"
                            ? AWSError(
                                "RequestTooLargeException",
                                "Request must be smaller than \(limit) bytes for the InvokeFunction operation",
                                status: .contentTooLarge)
                            : AWSError(
                                "RequestEntityTooLargeException",
                                "Request body is larger than the most this API accepts", status: .contentTooLarge)))
                var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
                if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
                let signed = SignatureVerifier.SignedRequest(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                    headers: headers, body: Array(body.readableBytesView))
                if let failure = verifier.check(signed, service: service) {
                    return failure.error(service: service).response
                }
                return try await dispatch(request, context: context)
            }
            return try await dispatch(request, context: context)
        } catch let error as any AWSServiceError {
            let router = request.headers[HTTPField.Name("X-Amz-Target")!].flatMap { target in
                routers.first { $0.serves(target) }
            }
            var response = error.response(
                contentType: router.map { "application/x-amz-json-\($0.jsonVersion)" } ?? "application/json")
            // An unread body would have to be read through before the next request: close instead.
            if error.httpStatus == 413 { response.headers[.connection] = "close" }
            return response
        } catch {
            return AWSError("InternalFailure", "The host failed to answer: \(error)", status: .internalServerError)
                .response
        }
    }

    /// A JSON API's body with its Content-Encoding undone (gzip, deflate), its inflated size held to the API's
    /// limit. An encoding the host cannot undo or a corrupt body is a 500, as DynamoDB answers both; too large
    /// inflated is the API's 413.
    static func decoded(_ body: [UInt8], encoding: String?, router: AWSJSONRouter) throws -> [UInt8] {
        guard let encoding else { return body }
        guard let encodings = RequestDecompression.encodings(encoding) else {
            throw AWSError(
                "InternalFailure", "The host cannot decode a request body of Content-Encoding \(encoding)",
                status: .internalServerError)
        }
        do {
            return try RequestDecompression.decode(body, encodings: encodings, limit: router.maximumRequestSize)
        } catch .tooLarge {
            throw router.tooLarge
        } catch {
            throw AWSError(
                "InternalFailure", "The request body is not valid \(encoding) data", status: .internalServerError)
        }
    }

    private func dispatch(_ request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/_host/health" {
            return .json(#"{"status":"ready","functions":\#(AWSJSONWriter.array(lambda.functionNames))}"#)
        }
        if path == "/_host/clock" || path.hasPrefix("/_host/clock/"), let clock {
            var request = request
            return try await clock.respond(&request)
        }
        if path.hasPrefix("/_host/chaos/"), let faults {
            var request = request
            return try await ChaosAPI(injector: faults).respond(&request)
        }
        // LocalStack's network effect: every AWS request waits this long first.
        if let faults, !path.hasPrefix("/_host/") {
            let latency = faults.latency(
                for: request.headers[HTTPField.Name("X-Amz-Target")!] ?? path,
                trace: request.headers[HTTPField.Name("X-Amzn-Trace-Id")!])
            if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        }
        if let console {
            if path == Console.prefix {
                var headers = HTTPFields()
                headers[.location] = Console.prefix + "/"
                return Response(status: .movedPermanently, headers: headers)
            }
            if path.hasPrefix(Console.prefix + "/") { return try await console.respond(to: request, context: context) }
            if path == "/_host/traces" || path.hasPrefix("/_host/traces/") { return try console.traceAPI(request) }
        }
        if path.hasPrefix("/2015-03-31/") || path == "/v1/pipes" || path.hasPrefix("/v1/pipes/")
            || Self.xrayPaths.contains(path)
        {
            return try await rest.respond(to: request, context: context)
        }
        if let target = request.headers[HTTPField.Name("X-Amz-Target")!] {
            if let router = routers.first(where: { $0.serves(target) }) {
                var request = request
                let body = try await request.collectBody(
                    limit: router.maximumRequestSize, tooLarge: router.tooLarge)
                let bytes = try Self.decoded(
                    Array(body.readableBytesView), encoding: request.headers[.contentEncoding], router: router)
                let trace = request.headers[HTTPField.Name("X-Amzn-Trace-Id")!]
                let result = await AWSRequestTrace.$header.withValue(trace) {
                    await router.respond(target: target, body: Data(bytes), hook: hook)
                }
                var headers = HTTPFields()
                headers[.contentType] = "application/x-amz-json-\(router.jsonVersion)"
                headers[HTTPField.Name("x-amzn-RequestId")!] = Identifiers.uuid()
                for (name, value) in result.headers {
                    if let field = HTTPField.Name(name) { headers[field] = value }
                }
                return Response(
                    status: .init(code: result.status), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: result.body)))
            }
            let service = UnservedService.scopeService(request.headers[.authorization]) ?? "the service of \(target)"
            throw AWSError(
                "UnknownOperationException",
                "The host does not serve \(service) (\(target)); it serves "
                    + UnservedService.served.joined(separator: ", ") + ".")
        }
        if SecurityTokenService.serves(request) { return try await sts.respond(to: request) }
        if let service = UnservedService(request) { return service.response }
        throw AWSError("UnknownOperationException", "No AWS API at \(request.method) \(path)", status: .notFound)
    }
}

extension AWSEndpoint {
    /// The SigV4 signing name of the service a request is for; nil for what the host does not serve.
    static func signingName(of request: Request) -> String? {
        if let target = request.headers[HTTPField.Name("X-Amz-Target")!] {
            let prefixes = [
                ("DynamoDB_20120810.", "dynamodb"), ("DynamoDBStreams_20120810.", "dynamodb"), ("AmazonSQS.", "sqs"),
                ("AWSEvents.", "events"), ("Logs_20140328.", "logs"),
            ]
            return prefixes.first { target.hasPrefix($0.0) }?.1
        }
        let path = request.uri.path
        if path.hasPrefix("/2015-03-31/") { return "lambda" }
        if path == "/v1/pipes" || path.hasPrefix("/v1/pipes/") { return "pipes" }
        if xrayPaths.contains(path) { return "xray" }
        if SecurityTokenService.serves(request) { return "sts" }
        return nil
    }

    /// The X-Ray operations the host serves.
    static let xrayPaths: Set<String> = ["/TraceSummaries", "/Traces"]
}

extension Request {
    /// Reads the body, at most `limit` bytes: a larger one (by its `Content-Length`, before any of it is read, or as
    /// it arrives) throws `tooLarge` (by default a 413 `RequestEntityTooLargeException`), an incomplete one a 400.
    mutating func collectBody(
        limit: Int,
        tooLarge: @autoclosure () -> any AWSServiceError = AWSError(
            "RequestEntityTooLargeException", "Request body is larger than the most this API accepts",
            status: .contentTooLarge)
    ) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge() }
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AWSError("IncompleteBody", "The request body could not be read: it ended early or was malformed")
        }
    }
}

extension Response {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An AWS JSON-protocol API on the endpoint: it claims its `X-Amz-Target`s and answers with a status, a JSON body
/// and any extra headers.
