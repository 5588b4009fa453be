@_exported import AWSSigV4

extension AWSCredentials {
    /// The credentials in `environment`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, if set and not empty,
    /// `AWS_SESSION_TOKEN`.
    /// - Throws: ``AWSConfigurationError/missingCredentials(_:)`` naming the missing or empty variables.
    public init(environment: [String: String]) throws(AWSConfigurationError) {
        let accessKeyID = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secretAccessKey = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        guard let accessKeyID, let secretAccessKey else {
            var missing: [String] = []
            if accessKeyID == nil { missing.append("AWS_ACCESS_KEY_ID") }
            if secretAccessKey == nil { missing.append("AWS_SECRET_ACCESS_KEY") }
            throw .missingCredentials(missing)
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: token)
    }
}

/// A client cannot be configured from the environment.
public enum AWSConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The named variables are missing or empty.
    case missingCredentials([String])
    /// Neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is set.
    case missingRegion
    /// An endpoint URL is not `http://` or `https://` followed by a host.
    case invalidEndpoint(variable: String, value: String)

    public var description: String {
        switch self {
        case .missingCredentials(let names):
            return "AWS credentials are missing: set \(names.joined(separator: " and "))"
        case .missingRegion:
            return "The AWS region is missing: set AWS_REGION (or AWS_DEFAULT_REGION)"
        case .invalidEndpoint(let variable, let value):
            return "\(variable) is not an http:// or https:// URL: \"\(value)\""
        }
    }
}

/// What a client needs to know about an AWS service: how to sign for it, where it is by default, and how its
/// endpoint is overridden.
public struct AWSService: Sendable, Equatable {
    /// The SigV4 service name, e.g. "dynamodb".
    public var signingName: String
    /// The first label of the regional endpoint host, e.g. "dynamodb" or "streams.dynamodb".
    public var endpointPrefix: String
    /// The service's part of `AWS_ENDPOINT_URL_<SERVICE>`, e.g. "DYNAMODB".
    public var environmentName: String

    public init(signingName: String, endpointPrefix: String, environmentName: String) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.environmentName = environmentName
    }

    /// Amazon DynamoDB.
    public static let dynamoDB = AWSService(
        signingName: "dynamodb", endpointPrefix: "dynamodb", environmentName: "DYNAMODB")
    /// Amazon DynamoDB Streams: signed as "dynamodb", at `streams.dynamodb.<region>.amazonaws.com`.
    public static let dynamoDBStreams = AWSService(
        signingName: "dynamodb", endpointPrefix: "streams.dynamodb", environmentName: "DYNAMODB_STREAMS")
    /// Amazon SQS.
    public static let sqs = AWSService(signingName: "sqs", endpointPrefix: "sqs", environmentName: "SQS")
    /// Amazon EventBridge.
    public static let eventBridge = AWSService(
        signingName: "events", endpointPrefix: "events", environmentName: "EVENTBRIDGE")
}

/// Credentials, region and endpoint for one service, resolved from a Lambda function's environment.
public struct AWSClientConfiguration: Sendable, Equatable {
    public var service: AWSService
    public var credentials: AWSCredentials
    public var region: String
    /// The endpoint URL without a trailing slash, e.g. `https://dynamodb.us-east-1.amazonaws.com` or
    /// `http://127.0.0.1:4566`.
    public var endpoint: String

    public init(service: AWSService, credentials: AWSCredentials, region: String, endpoint: String) {
        self.service = service
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
    }

    /// Resolves everything from `environment` (pass `ProcessInfo.processInfo.environment` in a function):
    /// - credentials: see ``AWSCredentials/init(environment:)``;
    /// - region: `AWS_REGION`, then `AWS_DEFAULT_REGION`;
    /// - endpoint: `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`), then `AWS_ENDPOINT_URL`, then
    ///   `https://<endpointPrefix>.<region>.amazonaws.com`. Empty variables count as unset.
    public init(service: AWSService, environment: [String: String]) throws(AWSConfigurationError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let credentials = try AWSCredentials(environment: environment)
        guard let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else { throw .missingRegion }
        let endpoint: String
        let serviceVariable = "AWS_ENDPOINT_URL_\(service.environmentName)"
        if let url = value(serviceVariable) {
            endpoint = try Self.validated(url, variable: serviceVariable)
        } else if let url = value("AWS_ENDPOINT_URL") {
            endpoint = try Self.validated(url, variable: "AWS_ENDPOINT_URL")
        } else {
            endpoint = "https://\(service.endpointPrefix).\(region).amazonaws.com"
        }
        self.init(service: service, credentials: credentials, region: region, endpoint: endpoint)
    }

    private static func validated(_ url: String, variable: String) throws(AWSConfigurationError) -> String {
        guard let parts = EndpointURL(url) else { throw .invalidEndpoint(variable: variable, value: url) }
        return parts.base
    }
}

/// The parts of an endpoint URL the client needs.
struct EndpointURL: Equatable {
    /// `http` or `https`.
    var scheme: String
    /// The `Host` header value: the host, with the port when it is not the scheme's default.
    var host: String
    /// Scheme and authority without a trailing slash: the base for `POST /`.
    var base: String

    init?(_ url: String) {
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        var rest = url.dropFirst(scheme.count + 3)
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            rest = rest[..<slash]
        }
        // A Character: `contains("@")` would pick Foundation's `StringProtocol.contains`, which functions cannot link.
        guard !rest.isEmpty, !rest.contains(Character("@")) else { return nil }
        var host = String(rest)
        let defaultPort = scheme == "https" ? ":443" : ":80"
        if host.hasSuffix(defaultPort) { host.removeLast(defaultPort.count) }
        self.scheme = scheme
        self.host = host.lowercased()
        self.base = "\(scheme)://\(rest)"
    }
}
