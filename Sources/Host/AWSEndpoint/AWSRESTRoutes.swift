// DECISIONS (REST services' validation): a request breaking a constraint of botocore's model (a pattern, a range,
// an enum, a required member) is answered `ValidationException` (400) with AWS's `N validation error(s) detected: …`
// message, for Lambda as for Pipes: that is Coral's answer for both (Lambda documents InvalidParameterValueException
// for checks of its own, which the host keeps where Lambda makes them, e.g. a batch window for a batch over 10). A
// body that is not JSON, or a member of the wrong JSON type, is Lambda's `InvalidRequestContentException` and
// Pipes' `ValidationException`.

import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird

/// The REST-protocol services of the AWS endpoint (Lambda, its event source mappings, Pipes) on Hummingbird's
/// router: one route per operation, its method, path and status taken from the operation generated from botocore's
/// model, its input read (body, path labels, query string, headers) and checked against the model's constraints,
/// its output written as the model says. Their dispatch is testable without a socket, and every call is seen by
/// the operation hook as the JSON services' are.
enum AWSRESTRoutes {
    /// How a REST service words the failures of reading a request.
    struct Errors: Sendable {
        /// The service's name in logs, traces and faults (its SigV4 signing name).
        var service: String
        /// A body that is not JSON, or a member of the wrong JSON type.
        var malformed: @Sendable (String) -> AWSError
        /// Constraint failures of the model.
        var invalid: @Sendable (AWSValidationError) -> AWSError

        static let lambda = Errors(
            service: "lambda", malformed: { AWSError("InvalidRequestContentException", $0) },
            invalid: { AWSError("ValidationException", $0.message) })
        static let pipes = Errors(
            service: "pipes", malformed: { AWSError("ValidationException", $0) },
            invalid: { AWSError("ValidationException", $0.message) })
        static let xray = Errors(
            service: "xray", malformed: { AWSError("InvalidRequestException", $0) },
            invalid: { AWSError("InvalidRequestException", $0.message) })
    }

    static func responder(
        lambda: LambdaAPI, mappings: EventSourceMappingAPI, pipes: PipesAPI, xray: XRayAPI,
        hook: (any AWSOperationHook)?
    ) -> RouterResponder<HostRequestContext> {
        let router = Router(context: HostRequestContext.self)
        router.middlewares.add(UnknownRESTOperation())
        let routes = Routes(router: router, hook: hook)

        routes.on(AWSLambda.ListFunctions.self, .lambda) { input, _, _ in try lambda.listFunctions(input) }
        routes.on(AWSLambda.GetFunction.self, .lambda) { input, _, _ in try lambda.getFunction(input) }
        routes.on(AWSLambda.GetFunctionConfiguration.self, .lambda) { input, _, _ in
            try lambda.getFunctionConfiguration(input)
        }
        routes.raw(AWSLambda.Invoke.self, .lambda, bodyLimit: LambdaAPI.invokeLimit) { input, request, context in
            try await lambda.invoke(input, request: request, context: context)
        }
        routes.on(AWSLambda.CreateEventSourceMapping.self, .lambda) { input, _, _ in try mappings.create(input) }
        routes.on(AWSLambda.ListEventSourceMappings.self, .lambda) { input, _, _ in try mappings.list(input) }
        routes.on(AWSLambda.GetEventSourceMapping.self, .lambda) { input, _, _ in try mappings.get(input.uuid) }
        routes.on(AWSLambda.UpdateEventSourceMapping.self, .lambda) { input, _, _ in try mappings.update(input) }
        routes.on(AWSLambda.DeleteEventSourceMapping.self, .lambda) { input, _, _ in try mappings.delete(input.uuid) }

        routes.on(Pipes.ListPipes.self, .pipes) { input, _, _ in try pipes.list(input) }
        routes.on(Pipes.CreatePipe.self, .pipes) { input, _, _ in try pipes.create(input) }
        routes.on(Pipes.DescribePipe.self, .pipes) { input, _, _ in try pipes.describe(input) }
        routes.on(Pipes.UpdatePipe.self, .pipes) { input, _, _ in try pipes.update(input) }
        routes.on(Pipes.DeletePipe.self, .pipes) { input, _, _ in try pipes.delete(input) }
        routes.on(Pipes.StartPipe.self, .pipes) { input, _, _ in try pipes.start(input) }
        routes.on(Pipes.StopPipe.self, .pipes) { input, _, _ in try pipes.stop(input) }
        routes.on(XRay.GetTraceSummaries.self, .xray) { input, _, _ in try xray.getTraceSummaries(input) }
        routes.on(XRay.BatchGetTraces.self, .xray) { input, _, _ in try xray.batchGetTraces(input) }
        return router.buildResponder()
    }

    /// Registers generated operations on the router.
    struct Routes {
        let router: Router<HostRequestContext>
        let hook: (any AWSOperationHook)?

        /// An operation whose handler answers with the model's output shape (written as JSON, with the model's
        /// success status).
        func on<Operation: AWSGeneratedRESTOperation>(
            _ operation: Operation.Type, _ errors: Errors,
            _ handle:
                @escaping @Sendable (Operation.Input, Request, HostRequestContext) async throws ->
                Operation
                .Output
        ) {
            raw(operation, errors) { input, request, context in
                let output = try await handle(input, request, context)
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                return Response(
                    status: .init(code: Operation.successCode), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: output.jsonBytes)))
            }
        }

        /// An operation whose handler writes the whole response (Invoke: its payload and headers). `bodyLimit`
        /// says how large a body the request may carry and the error for a larger one.
        func raw<Operation: AWSGeneratedRESTOperation>(
            _ operation: Operation.Type, _ errors: Errors,
            bodyLimit: (@Sendable (Request, HostRequestContext) -> (Int, AWSError))? = nil,
            _ handle: @escaping @Sendable (Operation.Input, Request, HostRequestContext) async throws -> Response
        ) {
            let hook = self.hook
            let path = RouterPath(
                Operation.requestURI.replacing(/\{([A-Za-z0-9_]+)\+?\}/) { ":" + $0.output.1 })
            let name = String(describing: Operation.self)
            router.on(path, method: HTTPRequest.Method(Operation.method)!) { request, context in
                let call = hook.map { AWSOperationCall.Context(service: errors.service, operation: name, hook: $0) }
                let started = ContinuousClock.now
                do {
                    var request = request
                    let (limit, tooLarge) =
                        bodyLimit?(request, context)
                        ?? (
                            context.maxUploadSize,
                            AWSError(
                                "RequestEntityTooLargeException",
                                "Request body is larger than the most this API accepts",
                                status: .contentTooLarge)
                        )
                    let body = try await request.collectBody(limit: limit, tooLarge: tooLarge)
                    let input = try Self.read(
                        Operation.Input.self, request, context, Data(body.readableBytesView), errors)
                    try call?.willRun(input: input)
                    let response = try await handle(input, request, context)
                    call?.didRun(status: Int(response.status.code), error: nil, duration: .now - started)
                    return response
                } catch let error as any AWSServiceError {
                    call?.didRun(status: error.httpStatus, error: error, duration: .now - started)
                    throw error
                }
            }
        }

        private static func read<Input: AWSRESTInput>(
            _ type: Input.Type, _ request: Request, _ context: HostRequestContext, _ body: Data, _ errors: Errors
        ) throws -> Input {
            let parameters = context.parameters
            let query = request.uri.queryParameters
            let headers = request.headers
            let bindings = AWSRESTBindings(
                label: { name in parameters.get(name).map { $0.removingPercentEncodingLeniently } },
                query: { name in query[Substring(name)].map(String.init) },
                header: { name in HTTPField.Name(name).flatMap { headers[$0] } })
            do throws(AWSShapeReadError) {
                return try Input(rest: bindings, body: body)
            } catch {
                switch error {
                case .malformed(let error): throw errors.malformed(error.message)
                case .invalid(let error): throw errors.invalid(error)
                }
            }
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
