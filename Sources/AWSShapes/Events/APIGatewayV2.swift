#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An API Gateway HTTP API request in payload format 2.0, as a Lambda function receives it.
public struct APIGatewayV2Request: Codable, Sendable, Equatable {
    /// Always "2.0".
    public var version: String
    /// For example "$default" or "GET /items/{id}".
    public var routeKey: String
    public var rawPath: String
    /// The query string without the leading "?"; empty when there is none.
    public var rawQueryString: String
    public var cookies: [String]?
    /// Header names in lower case; repeated headers are joined with commas.
    public var headers: [String: String]
    /// Repeated parameters are joined with commas.
    public var queryStringParameters: [String: String]?
    public var pathParameters: [String: String]?
    public var stageVariables: [String: String]?
    public var requestContext: Context
    public var body: String?
    public var isBase64Encoded: Bool

    public init(
        version: String = "2.0",
        routeKey: String,
        rawPath: String,
        rawQueryString: String,
        cookies: [String]? = nil,
        headers: [String: String],
        queryStringParameters: [String: String]? = nil,
        pathParameters: [String: String]? = nil,
        stageVariables: [String: String]? = nil,
        requestContext: Context,
        body: String? = nil,
        isBase64Encoded: Bool
    ) {
        self.version = version
        self.routeKey = routeKey
        self.rawPath = rawPath
        self.rawQueryString = rawQueryString
        self.cookies = cookies
        self.headers = headers
        self.queryStringParameters = queryStringParameters
        self.pathParameters = pathParameters
        self.stageVariables = stageVariables
        self.requestContext = requestContext
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    /// The `requestContext` of an HTTP API request.
    public struct Context: Codable, Sendable, Equatable {
        public var accountId: String
        public var apiId: String
        /// Mutual-TLS details (`clientCert`), when the API uses mutual TLS.
        public var authentication: JSONValue?
        public var authorizer: Authorizer?
        public var domainName: String
        public var domainPrefix: String
        public var http: HTTP
        public var requestId: String
        public var routeKey: String
        public var stage: String
        /// For example "12/Mar/2020:19:03:58 +0000".
        public var time: String
        /// Milliseconds since 1970.
        public var timeEpoch: Int64

        public init(
            accountId: String,
            apiId: String,
            authentication: JSONValue? = nil,
            authorizer: Authorizer? = nil,
            domainName: String,
            domainPrefix: String,
            http: HTTP,
            requestId: String,
            routeKey: String,
            stage: String,
            time: String,
            timeEpoch: Int64
        ) {
            self.accountId = accountId
            self.apiId = apiId
            self.authentication = authentication
            self.authorizer = authorizer
            self.domainName = domainName
            self.domainPrefix = domainPrefix
            self.http = http
            self.requestId = requestId
            self.routeKey = routeKey
            self.stage = stage
            self.time = time
            self.timeEpoch = timeEpoch
        }
    }

    /// The `requestContext.http` part: the request line and the caller.
    public struct HTTP: Codable, Sendable, Equatable {
        public var method: String
        public var path: String
        /// For example "HTTP/1.1".
        public var `protocol`: String
        public var sourceIp: String
        public var userAgent: String

        public init(method: String, path: String, protocol: String, sourceIp: String, userAgent: String) {
            self.method = method
            self.path = path
            self.protocol = `protocol`
            self.sourceIp = sourceIp
            self.userAgent = userAgent
        }
    }

    /// The `requestContext.authorizer` part: what the JWT, Lambda or IAM authorizer established.
    public struct Authorizer: Codable, Sendable, Equatable {
        public var jwt: JWT?
        /// The context returned by a Lambda authorizer.
        public var lambda: [String: JSONValue]?
        /// The caller's IAM identity (`accessKey`, `accountId`, `callerId`, `userArn`, `userId`, ...).
        public var iam: JSONValue?

        public init(jwt: JWT? = nil, lambda: [String: JSONValue]? = nil, iam: JSONValue? = nil) {
            self.jwt = jwt
            self.lambda = lambda
            self.iam = iam
        }

        /// The claims and scopes of a validated JSON Web Token.
        public struct JWT: Codable, Sendable, Equatable {
            public var claims: [String: String]?
            public var scopes: [String]?

            public init(claims: [String: String]? = nil, scopes: [String]? = nil) {
                self.claims = claims
                self.scopes = scopes
            }
        }
    }
}

/// The response a Lambda function returns to an API Gateway HTTP API (payload format 2.0) or to a function URL.
public struct APIGatewayV2Response: Codable, Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]?
    public var multiValueHeaders: [String: [String]]?
    /// `Set-Cookie` values, one per cookie.
    public var cookies: [String]?
    public var body: String?
    /// Whether `body` is base64 text to be decoded into binary.
    public var isBase64Encoded: Bool?

    public init(
        statusCode: Int,
        headers: [String: String]? = nil,
        multiValueHeaders: [String: [String]]? = nil,
        cookies: [String]? = nil,
        body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.statusCode = statusCode
        self.headers = headers
        self.multiValueHeaders = multiValueHeaders
        self.cookies = cookies
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }
}
