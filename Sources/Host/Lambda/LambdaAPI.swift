import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird

/// Lambda's REST API on the AWS endpoint: Invoke, GetFunction, GetFunctionConfiguration, ListFunctions. Inputs and
/// outputs are the shapes generated from botocore's model; the routes are `AWSRESTRoutes`'.
struct LambdaAPI {
    let lambda: LambdaService
    let asyncInvocations: LambdaAsyncInvocations

    /// ListFunctions: `GET /2015-03-31/functions`.
    func listFunctions(_ input: AWSLambda.ListFunctionsRequest) throws -> AWSLambda.ListFunctionsResponse {
        let page = try Paging.page(
            lambda.functionNames.compactMap { lambda.configuration(of: $0) }, token: input.marker,
            size: min(input.maxItems ?? 50, 50)
        ) { AWSError("InvalidParameterValueException", "Invalid Marker") }
        return AWSLambda.ListFunctionsResponse(nextMarker: page.next, functions: page.items.map(configuration))
    }

    /// GetFunction: `GET …/functions/{name}`.
    func getFunction(_ input: AWSLambda.GetFunctionRequest) throws -> AWSLambda.GetFunctionResponse {
        let pool = try resolve(input.functionName, qualifier: input.qualifier)
        return AWSLambda.GetFunctionResponse(
            configuration: configuration(pool.settings),
            code: .init(repositoryType: "S3", location: "file://\(pool.executable.path)"))
    }

    /// GetFunctionConfiguration: `GET …/functions/{name}/configuration`.
    func getFunctionConfiguration(_ input: AWSLambda.GetFunctionConfigurationRequest) throws
        -> AWSLambda.FunctionConfiguration
    {
        configuration(try resolve(input.functionName, qualifier: input.qualifier).settings)
    }

    private func resolve(_ name: String, qualifier: String?) throws -> FunctionPool {
        do {
            return try lambda.pool(for: name, qualifier: qualifier)
        } catch {
            throw AWSError(error.type, error.message, status: .init(code: error.status))
        }
    }

    /// Invoke's body limit: 6 MB for a synchronous invocation, 1 MB for an asynchronous one (read before the body).
    @Sendable static func invokeLimit(_ request: Request, _ context: HostRequestContext) -> (Int, AWSError) {
        let limit = request.headers[HTTPField.Name("X-Amz-Invocation-Type")!] == "Event" ? 1_048_576 : 6_291_456
        return (
            limit,
            AWSError(
                "RequestTooLargeException",
                "Request must be smaller than \(limit) bytes for the InvokeFunction operation", status: .contentTooLarge
            )
        )
    }

    /// Invoke: `POST …/functions/{name}/invocations`.
    func invoke(_ input: AWSLambda.InvocationRequest, request: Request, context: HostRequestContext) async throws
        -> Response
    {
        let pool = try resolve(input.functionName, qualifier: input.qualifier)
        var payload = input.payload.map(Array.init) ?? []
        if payload.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            payload = Array("{}".utf8)  // no payload: the function receives an empty object
        } else if (try? JSONValue(parsing: Data(payload))) == nil {
            throw AWSError(
                "InvalidRequestContentException", "Could not parse request body into json: Unexpected character")
        }
        var options = InvokeOptions()
        options.wantsLogTail = input.logType == .tail
        options.traceID = request.headers[HTTPField.Name("X-Amzn-Trace-Id")!]
        if let encoded = input.clientContext {
            guard let decoded = Data(base64Encoded: encoded) else {
                throw AWSError(
                    "InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.")
            }
            options.clientContext = String(decoding: decoded, as: UTF8.self)
        }
        options.tenantID = input.tenantId

        switch input.invocationType ?? .requestResponse {
        case .dryRun:
            return Response(status: .noContent)
        case .event:
            // Durable before the 202: the invocation is a committed row of the asynchronous queue.
            let requestID: String
            do {
                requestID = try asyncInvocations.enqueue(function: pool.name, payload: payload, options: options)
            } catch {
                throw AWSError(error.type, error.message, status: .init(code: error.status))
            }
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Amzn-RequestId")!] = requestID
            return Response(status: .accepted, headers: headers)
        default:
            let result = try await lambda.invoke(pool.name, payload: payload, options: options)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("X-Amzn-RequestId")!] = result.requestID
            let answer = AWSLambda.InvocationResponse(
                functionError: result.functionError,
                logResult: options.wantsLogTail ? result.logTailBase64 : nil, executedVersion: "$LATEST")
            for (name, value) in answer.restHeaders { headers[HTTPField.Name(name)!] = value }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: result.payload)))
        }
    }

    private func configuration(_ settings: FunctionRuntimeSettings) -> AWSLambda.FunctionConfiguration {
        let function = settings.function
        return AWSLambda.FunctionConfiguration(
            functionName: function.name, functionArn: settings.functionARN, runtime: "provided.al2023",
            role: "arn:aws:iam::\(lambda.accountID):role/\(function.name)-role", handler: function.handler,
            timeout: function.timeout, memorySize: function.memorySize, version: "$LATEST",
            deadLetterConfig: function.deadLetterQueue.map {
                .init(targetArn: "arn:aws:sqs:\(lambda.region):\(lambda.accountID):\($0)")
            },
            environment: .init(variables: function.environment), state: .active, packageType: .zip,
            architectures: [.init(rawValue: function.architecture)],
            loggingConfig: .init(
                logFormat: .init(rawValue: function.logFormat ?? "Text"), logGroup: function.logGroupName))
    }
}
