#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An API Gateway REST API proxy request (payload format 1.0), as a Lambda function receives it.
public struct APIGatewayRequest: Codable, Sendable, Equatable {
    /// The resource path template, for example "/{proxy+}".
    public var resource: String
    public var path: String
    public var httpMethod: String
    /// The last value of each header.
    public var headers: [String: String]?
    public var multiValueHeaders: [String: [String]]?
    /// The last value of each query parameter.
    public var queryStringParameters: [String: String]?
    public var multiValueQueryStringParameters: [String: [String]]?
    public var pathParameters: [String: String]?
    public var stageVariables: [String: String]?
    public var requestContext: Context
    public var body: String?
    public var isBase64Encoded: Bool?

    public init(
        resource: String,
        path: String,
        httpMethod: String,
        headers: [String: String]? = nil,
        multiValueHeaders: [String: [String]]? = nil,
        queryStringParameters: [String: String]? = nil,
        multiValueQueryStringParameters: [String: [String]]? = nil,
        pathParameters: [String: String]? = nil,
        stageVariables: [String: String]? = nil,
        requestContext: Context,
        body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.resource = resource
        self.path = path
        self.httpMethod = httpMethod
        self.headers = headers
        self.multiValueHeaders = multiValueHeaders
        self.queryStringParameters = queryStringParameters
        self.multiValueQueryStringParameters = multiValueQueryStringParameters
        self.pathParameters = pathParameters
        self.stageVariables = stageVariables
        self.requestContext = requestContext
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    /// The `requestContext` of a REST API request.
    public struct Context: Codable, Sendable, Equatable {
        public var accountId: String
        public var apiId: String
        public var resourceId: String
        public var resourcePath: String
        public var path: String
        public var httpMethod: String
        public var stage: String
        public var domainName: String?
        public var domainPrefix: String?
        public var requestId: String
        public var extendedRequestId: String?
        /// For example "HTTP/1.1".
        public var `protocol`: String?
        public var identity: Identity
        /// The context set by the authorizer (Lambda authorizer values may be strings, numbers or booleans).
        public var authorizer: [String: JSONValue]?
        /// For example "15/May/2020:06:01:09 +0000".
        public var requestTime: String?
        /// Milliseconds since 1970.
        public var requestTimeEpoch: Int64?

        public init(
            accountId: String,
            apiId: String,
            resourceId: String,
            resourcePath: String,
            path: String,
            httpMethod: String,
            stage: String,
            domainName: String? = nil,
            domainPrefix: String? = nil,
            requestId: String,
            extendedRequestId: String? = nil,
            protocol: String? = nil,
            identity: Identity,
            authorizer: [String: JSONValue]? = nil,
            requestTime: String? = nil,
            requestTimeEpoch: Int64? = nil
        ) {
            self.accountId = accountId
            self.apiId = apiId
            self.resourceId = resourceId
            self.resourcePath = resourcePath
            self.path = path
            self.httpMethod = httpMethod
            self.stage = stage
            self.domainName = domainName
            self.domainPrefix = domainPrefix
            self.requestId = requestId
            self.extendedRequestId = extendedRequestId
            self.protocol = `protocol`
            self.identity = identity
            self.authorizer = authorizer
            self.requestTime = requestTime
            self.requestTimeEpoch = requestTimeEpoch
        }
    }

    /// The `requestContext.identity` part: who called.
    public struct Identity: Codable, Sendable, Equatable {
        public var cognitoIdentityPoolId: String?
        public var accountId: String?
        public var cognitoIdentityId: String?
        public var caller: String?
        public var apiKey: String?
        public var apiKeyId: String?
        public var accessKey: String?
        public var sourceIp: String?
        public var cognitoAuthenticationType: String?
        public var cognitoAuthenticationProvider: String?
        public var userArn: String?
        public var userAgent: String?
        public var user: String?
        /// Mutual-TLS details (`clientCertPem`, `subjectDN`, `issuerDN`, `serialNumber`, `validity`).
        public var clientCert: JSONValue?

        public init(
            cognitoIdentityPoolId: String? = nil,
            accountId: String? = nil,
            cognitoIdentityId: String? = nil,
            caller: String? = nil,
            apiKey: String? = nil,
            apiKeyId: String? = nil,
            accessKey: String? = nil,
            sourceIp: String? = nil,
            cognitoAuthenticationType: String? = nil,
            cognitoAuthenticationProvider: String? = nil,
            userArn: String? = nil,
            userAgent: String? = nil,
            user: String? = nil,
            clientCert: JSONValue? = nil
        ) {
            self.cognitoIdentityPoolId = cognitoIdentityPoolId
            self.accountId = accountId
            self.cognitoIdentityId = cognitoIdentityId
            self.caller = caller
            self.apiKey = apiKey
            self.apiKeyId = apiKeyId
            self.accessKey = accessKey
            self.sourceIp = sourceIp
            self.cognitoAuthenticationType = cognitoAuthenticationType
            self.cognitoAuthenticationProvider = cognitoAuthenticationProvider
            self.userArn = userArn
            self.userAgent = userAgent
            self.user = user
            self.clientCert = clientCert
        }
    }
}

/// The response a Lambda function returns to an API Gateway REST API proxy integration (payload format 1.0).
public struct APIGatewayResponse: Codable, Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]?
    public var multiValueHeaders: [String: [String]]?
    public var body: String?
    /// Whether `body` is base64 text to be decoded into binary.
    public var isBase64Encoded: Bool?

    public init(
        statusCode: Int,
        headers: [String: String]? = nil,
        multiValueHeaders: [String: [String]]? = nil,
        body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.statusCode = statusCode
        self.headers = headers
        self.multiValueHeaders = multiValueHeaders
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }
}
