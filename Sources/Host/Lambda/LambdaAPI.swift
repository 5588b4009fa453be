import AWSShapes
import Foundation
import HTTPTypes
import Hummingbird

/// Lambda's REST API on the AWS endpoint: Invoke, GetFunction, ListFunctions.
struct LambdaAPI {
    let lambda: LambdaService
    let asyncInvocations: LambdaAsyncInvocations

    /// ListFunctions: `GET /2015-03-31/functions`.
    func listFunctions(_ request: Request) throws -> Response {
        _ = try Paging.number(
            text: request.uri.queryParameters["MaxItems"].map(String.init), member: "maxItems", 1...10_000, default: 50
        ) { AWSError("InvalidParameterValueException", $0) }
        let items = try lambda.functionNames.compactMap { lambda.configuration(of: $0) }.map(configurationJSON)
        return .json(#"{"Functions":[\#(items.joined(separator: ","))]}"#)
    }

    /// GetFunction (`GET …/functions/{name}`) or GetFunctionConfiguration (`…/{name}/configuration`).
    func getFunction(_ request: Request, name: String, configurationOnly: Bool) throws -> Response {
        let pool = try resolve(name, request)
        let configuration = try configurationJSON(pool.settings)
        if configurationOnly { return .json(configuration) }
        return .json(
            #"{"Configuration":\#(configuration),"Code":{"RepositoryType":"S3","Location":"file://\#(pool.settings.executable)"}}"#
        )
    }

    private func resolve(_ name: String, _ request: Request) throws -> FunctionPool {
        do {
            return try lambda.pool(for: name, qualifier: request.uri.queryParameters["Qualifier"].map(String.init))
        } catch {
            throw AWSError(error.type, error.message, status: .init(code: error.status))
        }
    }

    /// Invoke: `POST …/functions/{name}/invocations`.
    func invoke(_ request: Request, name: String, context: HostRequestContext) async throws -> Response {
        let pool = try resolve(name, request)
        let type = request.headers[HTTPField.Name("X-Amz-Invocation-Type")!] ?? "RequestResponse"
        guard ["RequestResponse", "Event", "DryRun"].contains(type) else {
            throw AWSError(
                "InvalidParameterValueException",
                "1 validation error detected: Value '\(type)' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
            )
        }
        let limit = type == "Event" ? 1_048_576 : 6_291_456
        var request = request
        let buffer = try await request.collectBody(
            limit: limit,
            tooLarge: AWSError(
                "RequestTooLargeException",
                "Request must be smaller than \(limit) bytes for the InvokeFunction operation", status: .contentTooLarge
            ))
        var payload = Array(buffer.readableBytesView)
        if payload.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            payload = Array("{}".utf8)  // no payload: the function receives an empty object
        } else if (try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])) == nil {
            throw AWSError(
                "InvalidRequestContentException", "Could not parse request body into json: Unexpected character")
        }
        var options = InvokeOptions()
        options.wantsLogTail = request.headers[HTTPField.Name("X-Amz-Log-Type")!] == "Tail"
        options.traceID = request.headers[HTTPField.Name("X-Amzn-Trace-Id")!]
        if let encoded = request.headers[HTTPField.Name("X-Amz-Client-Context")!] {
            guard let decoded = Data(base64Encoded: encoded) else {
                throw AWSError(
                    "InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.")
            }
            options.clientContext = String(decoding: decoded, as: UTF8.self)
        }
        options.tenantID = request.headers[HTTPField.Name("X-Amz-Tenant-Id")!]

        switch type {
        case "DryRun":
            return Response(status: .noContent)
        case "Event":
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
            headers[HTTPField.Name("X-Amz-Executed-Version")!] = "$LATEST"
            headers[HTTPField.Name("X-Amzn-RequestId")!] = result.requestID
            if let error = result.functionError { headers[HTTPField.Name("X-Amz-Function-Error")!] = error }
            if options.wantsLogTail { headers[HTTPField.Name("X-Amz-Log-Result")!] = result.logTailBase64 }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: result.payload)))
        }
    }

    private func configurationJSON(_ settings: FunctionRuntimeSettings) throws -> String {
        let function = settings.function
        var variables = settings.function.environment
        if let format = function.logFormat { variables["AWS_LAMBDA_LOG_FORMAT"] = format }
        var object: [String: Any] = [
            "FunctionName": function.name,
            "FunctionArn": settings.functionARN,
            "Runtime": "provided.al2023",
            "Handler": function.handler,
            "MemorySize": function.memorySize,
            "Timeout": function.timeout,
            "Version": "$LATEST",
            "State": "Active",
            "PackageType": "Zip",
            "Architectures": [function.architecture],
            "Role": "arn:aws:iam::\(lambda.accountID):role/\(function.name)-role",
            "Environment": ["Variables": function.environment],
            "LoggingConfig": ["LogFormat": function.logFormat ?? "Text", "LogGroup": "/aws/lambda/\(function.name)"],
        ]
        if let queue = function.deadLetterQueue {
            object["DeadLetterConfig"] = ["TargetArn": "arn:aws:sqs:\(lambda.region):\(lambda.accountID):\(queue)"]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
