import AWSShapes
import CurlHTTP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One invocation handed out by `GET /runtime/invocation/next`.
public struct NextInvocation: Sendable {
    public var event: [UInt8]
    public var context: LambdaContext

    public init(event: [UInt8], context: LambdaContext) {
        self.event = event
        self.context = context
    }
}

/// The four calls a runtime makes. ``RuntimeAPIClient`` speaks them over HTTP; tests may drive the loop with
/// their own implementation.
public protocol RuntimeAPI {
    /// Blocks until the next invocation (no timeout: the process may be frozen between invocations).
    func next() throws -> NextInvocation
    /// Posts the invocation's result; returns the HTTP status (202 when accepted).
    @discardableResult func respond(requestID: String, body: [UInt8]) throws -> Int
    /// Posts the invocation's error; returns the HTTP status.
    @discardableResult func reportError(requestID: String, _ error: LambdaErrorBody) throws -> Int
    /// Posts an initialisation failure; returns the HTTP status.
    @discardableResult func reportInitError(_ error: LambdaErrorBody) throws -> Int
}

/// A Runtime API response that is not what the protocol allows (for example `/next` answered with 500).
public struct RuntimeAPIError: Error, CustomStringConvertible {
    public var status: Int
    public var body: String
    public var description: String { "Runtime API answered \(status): \(body)" }
}

/// The Runtime API over libcurl, on one keep-alive connection (`http://$AWS_LAMBDA_RUNTIME_API/2018-06-01`).
public final class RuntimeAPIClient: RuntimeAPI {
    private let connection: CurlConnection
    private let base: String
    private let logger: LambdaLogger

    /// - Parameter endpoint: `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    public init(endpoint: String, logger: LambdaLogger = LambdaLogger()) throws {
        self.connection = try CurlConnection(connectTimeoutMilliseconds: 1_000)
        self.base = "http://\(endpoint)/2018-06-01/runtime"
        self.logger = logger
    }

    public func next() throws -> NextInvocation {
        let response = try connection.send("GET", "\(base)/invocation/next")
        guard response.status == 200 else { throw RuntimeAPIError(status: response.status, body: response.text) }
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw RuntimeAPIError(status: response.status, body: "missing Lambda-Runtime-Aws-Request-Id")
        }
        guard let deadline = response.header("Lambda-Runtime-Deadline-Ms").flatMap(Int64.init), deadline > 0 else {
            throw RuntimeAPIError(status: response.status, body: "missing or invalid Lambda-Runtime-Deadline-Ms")
        }
        guard let arn = response.header("Lambda-Runtime-Invoked-Function-Arn") else {
            throw RuntimeAPIError(status: response.status, body: "missing Lambda-Runtime-Invoked-Function-Arn")
        }
        var logger = self.logger
        logger.requestID = requestID
        let traceID = response.header("Lambda-Runtime-Trace-Id")
        // Every line of the invocation names its trace (the header's `Root`), so a line leads to the trace.
        logger = logger.with("traceId", traceID.flatMap(Self.traceRoot))
        let context = LambdaContext(
            requestID: requestID,
            deadlineMilliseconds: deadline,
            invokedFunctionARN: arn,
            traceID: traceID,
            clientContext: response.header("Lambda-Runtime-Client-Context"),
            cognitoIdentity: response.header("Lambda-Runtime-Cognito-Identity"),
            tenantID: response.header("Lambda-Runtime-Aws-Tenant-Id"),
            logger: logger
        )
        return NextInvocation(event: response.body, context: context)
    }

    /// The `Root` of an X-Ray trace header (`Root=1-…;Parent=…;Sampled=…`).
    static func traceRoot(_ header: String) -> String? {
        header.split(separator: ";").first { $0.hasPrefix("Root=") }.map { String($0.dropFirst(5)) }
    }

    public func respond(requestID: String, body: [UInt8]) throws -> Int {
        try post("\(base)/invocation/\(requestID)/response", body: body, errorType: nil)
    }

    public func reportError(requestID: String, _ error: LambdaErrorBody) throws -> Int {
        try post(
            "\(base)/invocation/\(requestID)/error", body: Array(JSONEncoder().encode(error)), errorType: "Unhandled")
    }

    public func reportInitError(_ error: LambdaErrorBody) throws -> Int {
        try post("\(base)/init/error", body: Array(JSONEncoder().encode(error)), errorType: "Unhandled")
    }

    private func post(_ url: String, body: [UInt8], errorType: String?) throws -> Int {
        var headers = [("Content-Type", "application/json")]
        if let errorType { headers.append(("Lambda-Runtime-Function-Error-Type", errorType)) }
        let response = try connection.send("POST", url, headers: headers, body: body, timeoutMilliseconds: 30_000)
        if response.status != 202 {
            logger.error("Runtime API answered \(response.status) to POST \(url): \(response.text)")
        }
        return response.status
    }
}
