#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request to a Lambda function URL.
///
/// The shape is API Gateway payload format 2.0, but `routeKey` and the context's `routeKey` and `stage` may be
/// absent, so it is a type of its own rather than an `APIGatewayV2Request`.
public struct FunctionURLRequest: Codable, Sendable, Equatable {
    /// Always "2.0".
    public var version: String
    /// "$default" when present.
    public var routeKey: String?
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
        routeKey: String? = nil,
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

    /// The `requestContext` of a function URL request.
    public struct Context: Codable, Sendable, Equatable {
        public var accountId: String
        /// The URL id.
        public var apiId: String
        public var authentication: JSONValue?
        /// Only `iam` is used, when the URL's auth type is AWS_IAM.
        public var authorizer: APIGatewayV2Request.Authorizer?
        public var domainName: String
        public var domainPrefix: String
        public var http: APIGatewayV2Request.HTTP
        public var requestId: String
        public var routeKey: String?
        public var stage: String?
        /// For example "12/Mar/2020:19:03:58 +0000".
        public var time: String
        /// Milliseconds since 1970.
        public var timeEpoch: Int64

        public init(
            accountId: String,
            apiId: String,
            authentication: JSONValue? = nil,
            authorizer: APIGatewayV2Request.Authorizer? = nil,
            domainName: String,
            domainPrefix: String,
            http: APIGatewayV2Request.HTTP,
            requestId: String,
            routeKey: String? = nil,
            stage: String? = nil,
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
}

/// The response a Lambda function returns to a function URL: the same shape as an HTTP API response.
public typealias FunctionURLResponse = APIGatewayV2Response
