import AWSShapes
import CurlHTTP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// An error response of an AWS service.
public struct AWSServiceError: Error, Sendable, CustomStringConvertible {
    /// The error type without its `namespace#` prefix, e.g. `ConditionalCheckFailedException`; `UnknownError` when
    /// the response names none.
    public var type: String
    /// The `message` (or `Message`) of the error body.
    public var message: String?
    /// The HTTP status.
    public var status: Int
    /// The whole error body, for service-specific members such as DynamoDB's `Item` or `CancellationReasons`.
    public var body: [UInt8]

    public init(type: String, message: String?, status: Int, body: [UInt8] = []) {
        self.type = type
        self.message = message
        self.status = status
        self.body = body
    }

    public var description: String { "\(type) (HTTP \(status)): \(message ?? "no message")" }

    /// Reads the error of a response: the body's `__type` (or else the `X-Amzn-ErrorType` header), with any
    /// `namespace#` prefix and `:`-suffix removed, and the body's `message` or `Message`.
    public init(response: HTTPClientResponse) {
        struct Body: Decodable {
            var type: String?
            var message: String?
            var capitalMessage: String?

            enum CodingKeys: String, CodingKey {
                case type = "__type"
                case message
                case capitalMessage = "Message"
            }
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let rawType = body?.type ?? response.header("X-Amzn-ErrorType")
        self.init(
            type: rawType.map(Self.shortType) ?? "UnknownError",
            message: body?.message ?? body?.capitalMessage
                ?? (body == nil && !response.body.isEmpty ? String(response.text.prefix(512)) : nil),
            status: response.status,
            body: response.body
        )
    }

    /// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` → `ResourceNotFoundException`;
    /// `ThrottlingException:http://internal.amazon.com/coral/...` → `ThrottlingException`.
    static func shortType(_ type: String) -> String {
        var short = Substring(type)
        if let hash = short.lastIndex(of: "#") { short = short[short.index(after: hash)...] }
        if let colon = short.firstIndex(of: ":") { short = short[..<colon] }
        return String(short)
    }
}

/// Why an AWS JSON protocol call failed.
public enum AWSClientError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error (after the retries the policy allows).
    case service(AWSServiceError)
    /// The request did not get an answer (after the retries the policy allows).
    case transport(CurlError)
    /// The input could not be encoded as JSON.
    case encoding(String)
    /// A success response whose body is not the expected output.
    case invalidResponse(status: Int, message: String)

    public var description: String {
        switch self {
        case .service(let error): return error.description
        case .transport(let error): return error.description
        case .encoding(let message): return "cannot encode the request: \(message)"
        case .invalidResponse(let status, let message): return "unexpected response (HTTP \(status)): \(message)"
        }
    }
}

/// A client of one AWS JSON protocol service (DynamoDB, DynamoDB Streams, SQS, EventBridge) over one keep-alive
/// libcurl connection: `POST /` with `X-Amz-Target`, `Content-Type: application/x-amz-json-1.x`, SigV4-signed;
/// retries according to a ``RetryPolicy``.
///
/// Blocking, and not thread-safe: one client per thread or task (a Lambda function handles one event at a time).
public final class AWSJSONClient {
    /// `_X_AMZN_TRACE_ID` of the process environment, when set and not empty.
    @Sendable public static func environmentTraceHeader() -> String? {
        guard let trace = getenv("_X_AMZN_TRACE_ID"), trace.pointee != 0 else { return nil }
        return String(cString: trace)
    }

    public let configuration: AWSClientConfiguration
    public var retryPolicy: RetryPolicy
    /// The limit for one attempt.
    public var timeoutMilliseconds: Int
    private let connection: CurlConnection
    private let signer: SigV4Signer
    private let url: String
    private let host: String
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) -> Void
    private let random: @Sendable () -> Double
    /// The invocation's trace header (`_X_AMZN_TRACE_ID`, as the runtime sets it); injected by tests, which must
    /// not change the process environment while other threads start processes.
    private let traceHeader: @Sendable () -> String?

    /// - Parameters:
    ///   - now: the signing date (injected by tests).
    ///   - sleep: how to wait between attempts (injected by tests).
    ///   - random: a number in `[0, 1)` for the backoff jitter (injected by tests).
    /// - Throws: ``AWSConfigurationError/invalidEndpoint(variable:value:)`` for an endpoint that is not an HTTP URL,
    ///   `CurlError` when libcurl cannot start.
    public init(
        configuration: AWSClientConfiguration,
        retryPolicy: RetryPolicy = RetryPolicy(),
        timeoutMilliseconds: Int = 10_000,
        connectTimeoutMilliseconds: Int = 1_000,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) -> Void = blockingSleep,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        traceHeader: @escaping @Sendable () -> String? = AWSJSONClient.environmentTraceHeader
    ) throws {
        self.traceHeader = traceHeader
        guard let endpoint = EndpointURL(configuration.endpoint) else {
            throw AWSConfigurationError.invalidEndpoint(variable: "endpoint", value: configuration.endpoint)
        }
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connection = try CurlConnection(connectTimeoutMilliseconds: connectTimeoutMilliseconds)
        self.signer = SigV4Signer(
            credentials: configuration.credentials,
            region: configuration.region,
            service: configuration.service.signingName
        )
        self.url = endpoint.base + "/"
        self.host = endpoint.host
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// Sends `input` to `operation` and decodes its output.
    /// - Throws: ``AWSClientError``.
    public func send<Operation: AWSJSONOperation>(
        _ operation: Operation.Type,
        _ input: Operation.Input
    ) throws(AWSClientError) -> Operation.Output {
        let body: Data
        do {
            body = try JSONEncoder().encode(input)
        } catch {
            throw .encoding(String(describing: error))
        }
        let response = try send(target: Operation.target, jsonVersion: Operation.jsonVersion, body: Array(body))
        do {
            let data = response.body.isEmpty ? Data("{}".utf8) : Data(response.body)
            return try JSONDecoder().decode(Operation.Output.self, from: data)
        } catch {
            throw .invalidResponse(status: response.status, message: String(describing: error))
        }
    }

    /// Sends `input` to an operation whose shapes are generated from botocore's model: written and read without
    /// Foundation's coders (the response is read for its JSON types only; its constraints are the service's affair).
    /// - Throws: ``AWSClientError``.
    public func send<Operation: AWSGeneratedOperation>(
        _ operation: Operation.Type,
        _ input: Operation.Input
    ) throws(AWSClientError) -> Operation.Output {
        let response = try send(target: Operation.target, jsonVersion: Operation.jsonVersion, body: input.jsonBytes)
        do {
            let json = response.body.isEmpty ? JSONValue.object([:]) : try JSONValue(parsing: Data(response.body))
            var validation = AWSValidation()
            return try Operation.Output(json: json, path: "", validation: &validation)
        } catch {
            throw .invalidResponse(status: response.status, message: String(describing: error))
        }
    }

    /// Sends a JSON body to `target` and returns the 2xx response, retrying as the policy allows.
    /// - Throws: ``AWSClientError/service(_:)`` for an error response, ``AWSClientError/transport(_:)``.
    public func send(target: String, jsonVersion: String, body: [UInt8]) throws(AWSClientError) -> HTTPClientResponse {
        var attempt = 1
        while true {
            let failure: AWSClientError
            let retryable: Bool
            do {
                let response = try attemptOnce(target: target, jsonVersion: jsonVersion, body: body)
                if (200...299).contains(response.status) { return response }
                let error = AWSServiceError(response: response)
                failure = .service(error)
                retryable = retryPolicy.isRetryable(status: error.status, errorType: error.type)
            } catch let error as CurlError {
                failure = .transport(error)
                retryable = retryPolicy.isRetryable(error)
            } catch {
                // CurlConnection throws only CurlError.
                failure = .invalidResponse(status: 0, message: String(describing: error))
                retryable = false
            }
            guard retryable, attempt < retryPolicy.maxAttempts else { throw failure }
            sleep(retryPolicy.delay(beforeRetry: attempt, random: random()))
            attempt += 1
        }
    }

    private func attemptOnce(target: String, jsonVersion: String, body: [UInt8]) throws -> HTTPClientResponse {
        let headers: [(name: String, value: String)] = [
            ("Host", host),
            ("Content-Type", "application/x-amz-json-\(jsonVersion)"),
            ("X-Amz-Target", target),
        ]
        let signature = signer.sign(
            SigV4Signer.Request(method: "POST", path: "/", headers: headers, body: body), date: now())
        var all = (headers + signature.headers).map { ($0.name, $0.value) }
        // As AWS SDKs do inside Lambda: the invocation's trace header on every call, unsigned.
        if let trace = traceHeader() { all.append(("X-Amzn-Trace-Id", trace)) }
        return try connection.send("POST", url, headers: all, body: body, timeoutMilliseconds: timeoutMilliseconds)
    }
}
