import HTTPTypes
import Hummingbird

/// The REST-protocol services of the AWS endpoint (Lambda, its event source mappings, Pipes) on Hummingbird's
/// router: one route per operation, each named for the operation hook, so their dispatch is testable without a
/// socket and every call is seen as the JSON services' are.
enum AWSRESTRoutes {
    typealias Handler = @Sendable (Request, HostRequestContext) async throws -> Response

    static func responder(
        lambda: LambdaAPI, mappings: EventSourceMappingAPI, pipes: PipesAPI, hook: (any AWSOperationHook)?
    ) -> RouterResponder<HostRequestContext> {
        let router = Router(context: HostRequestContext.self)
        router.middlewares.add(UnknownRESTOperation())
        func route(
            _ method: HTTPRequest.Method, _ path: RouterPath, _ service: String, _ operation: String,
            _ handler: @escaping Handler
        ) {
            router.on(path, method: method) { request, context in
                try await observed(service, operation, hook: hook, request: request, context: context, handler)
            }
        }
        let functions = "/2015-03-31/functions"
        route(.get, "\(functions)", "lambda", "ListFunctions") { request, _ in try lambda.listFunctions(request) }
        route(.get, "\(functions)/:name", "lambda", "GetFunction") { request, context in
            try lambda.getFunction(request, name: Self.name(context, "name"), configurationOnly: false)
        }
        route(.get, "\(functions)/:name/configuration", "lambda", "GetFunctionConfiguration") { request, context in
            try lambda.getFunction(request, name: Self.name(context, "name"), configurationOnly: true)
        }
        route(.post, "\(functions)/:name/invocations", "lambda", "Invoke") { request, context in
            try await lambda.invoke(request, name: Self.name(context, "name"), context: context)
        }
        let esm = "/2015-03-31/event-source-mappings"
        route(.post, "\(esm)", "lambda", "CreateEventSourceMapping") { request, context in
            try await mappings.create(request, context: context)
        }
        route(.get, "\(esm)", "lambda", "ListEventSourceMappings") { request, _ in try mappings.list(request) }
        route(.get, "\(esm)/:uuid", "lambda", "GetEventSourceMapping") { _, context in
            try mappings.get(uuid: Self.name(context, "uuid"))
        }
        route(.put, "\(esm)/:uuid", "lambda", "UpdateEventSourceMapping") { request, context in
            try await mappings.update(request, uuid: Self.name(context, "uuid"), context: context)
        }
        route(.delete, "\(esm)/:uuid", "lambda", "DeleteEventSourceMapping") { _, context in
            try mappings.delete(uuid: Self.name(context, "uuid"))
        }
        route(.get, "/v1/pipes", "pipes", "ListPipes") { request, _ in try pipes.list(request) }
        route(.post, "/v1/pipes/:name", "pipes", "CreatePipe") { request, context in
            try await pipes.create(request, name: Self.name(context, "name"), context: context)
        }
        route(.get, "/v1/pipes/:name", "pipes", "DescribePipe") { _, context in
            try pipes.describe(name: Self.name(context, "name"))
        }
        route(.put, "/v1/pipes/:name", "pipes", "UpdatePipe") { request, context in
            try await pipes.update(request, name: Self.name(context, "name"), context: context)
        }
        route(.delete, "/v1/pipes/:name", "pipes", "DeletePipe") { _, context in
            try pipes.delete(name: Self.name(context, "name"))
        }
        route(.post, "/v1/pipes/:name/start", "pipes", "StartPipe") { _, context in
            try pipes.setState(name: Self.name(context, "name"), "RUNNING")
        }
        route(.post, "/v1/pipes/:name/stop", "pipes", "StopPipe") { _, context in
            try pipes.setState(name: Self.name(context, "name"), "STOPPED")
        }
        return router.buildResponder()
    }

    /// A path parameter, percent-decoded (function ARNs arrive with `%3A`).
    @Sendable private static func name(_ context: HostRequestContext, _ key: String) -> String {
        (context.parameters.get(key) ?? "").removingPercentEncodingLeniently
    }

    /// Runs one REST operation, telling the hook (its input: the path's parameters).
    private static func observed(
        _ service: String, _ operation: String, hook: (any AWSOperationHook)?, request: Request,
        context: HostRequestContext, _ handler: Handler
    ) async throws -> Response {
        guard let hook else { return try await handler(request, context) }
        let call = AWSOperationCall.Context(service: service, operation: operation, hook: hook)
        let started = ContinuousClock.now
        var parameters: [String: String] = [:]
        for (key, value) in context.parameters {
            parameters[String(key)] = String(value).removingPercentEncodingLeniently
        }
        do {
            try call.willRun(input: parameters)
            let response = try await handler(request, context)
            call.didRun(status: Int(response.status.code), error: nil, duration: ContinuousClock.now - started)
            return response
        } catch let error as any AWSServiceError {
            call.didRun(status: error.httpStatus, error: error, duration: ContinuousClock.now - started)
            throw error
        }
    }
}

/// A path or method no REST operation has: AWS's `UnknownOperationException` (404), not the router's bare 404.
private struct UnknownRESTOperation: RouterMiddleware {
    typealias Context = HostRequestContext

    func handle(
        _ request: Request, context: HostRequestContext, next: (Request, HostRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let service = request.uri.path.hasPrefix("/v1/pipes") ? "Pipes" : "Lambda"
            throw AWSError(
                "UnknownOperationException", "No \(service) operation at \(request.method) \(request.uri.path)",
                status: .notFound)
        }
    }
}
