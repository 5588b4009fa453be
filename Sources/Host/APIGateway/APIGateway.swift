// LIMITATIONS (API Gateway): HTTP APIs only (no REST APIs, payload format 1.0 or WebSockets); one API with the
// `$default` stage; no authorizers (requestContext.authorizer is absent), custom domains, throttling or
// parameter mapping; the 30 s integration timeout is not enforced beyond the function's own timeout.

import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The HTTP API on its own port (default `127.0.0.1:3000`): route → payload 2.0 event → Lambda → response.
public struct APIGateway: HTTPResponder {
    public typealias Context = HostRequestContext
    /// API Gateway's request limit.
    static let maximumBodySize = 10 * 1024 * 1024

    let configuration: HTTPAPIConfiguration
    let routes: RouteTable
    let mapping: HTTPAPIMapping
    let lambda: LambdaService
    let logger: Logger

    public init(configuration: HTTPAPIConfiguration, lambda: LambdaService, logger: Logger) throws {
        self.configuration = configuration
        self.routes = try RouteTable(configuration.routes)
        // A stable id per API name, shaped like AWS's (10 lower-case letters and digits).
        let digest = configuration.name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        let apiID = String(String(digest, radix: 36).suffix(10))
        self.mapping = HTTPAPIMapping(apiID: apiID, accountID: lambda.accountID)
        self.lambda = lambda
        self.logger = logger
    }

    public var apiID: String { mapping.apiID }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = HTTPAPIMapping.newRequestID()
        let origin = request.headers[.origin]
        let method = request.method.rawValue
        let mapped = await handle(request, context: context, requestID: requestID, origin: origin)
        var headers = HTTPFields()
        for (name, value) in mapped.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        if let origin, let cors = configuration.cors, method != "OPTIONS" || mapped.status != 204 {
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
        if method == "OPTIONS", let cors = configuration.cors, let origin,
            request.headers[HTTPField.Name("access-control-request-method")!] != nil
        {
            let requested = request.headers[HTTPField.Name("access-control-request-headers")!]
            return .init(
                status: 204, headers: cors.preflightHeaders(origin: origin, requestHeaders: requested) ?? [], body: [])
        }
        let rawPath = request.uri.path
        guard let match = routes.match(method: method, path: rawPath) else { return .notFound }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBodySize)
        } catch {
            return .tooLarge
        }
        let incoming = IncomingHTTPRequest(
            method: method,
            rawPath: rawPath,
            rawQueryString: request.uri.query ?? "",
            headers: request.headers.map { ($0.name.rawName, $0.value) },
            body: Array(body.readableBytesView),
            sourceIP: context.sourceIP
        )
        let event = mapping.event(
            for: incoming, routeKey: match.route.key, pathParameters: match.pathParameters, requestID: requestID,
            now: Date())
        guard let payload = try? JSONEncoder().encode(event) else { return .internalServerError }
        let result: InvocationResult
        do {
            result = try await lambda.invoke(match.route.function, payload: Array(payload))
        } catch {
            logger.error("route \(match.route.key): \(error.message)")
            return .internalServerError
        }
        if let error = result.error {
            logger.warning(
                "route \(match.route.key): \(match.route.function) failed: \(error.errorType): \(error.errorMessage)")
        }
        return mapping.response(for: result)
    }
}
