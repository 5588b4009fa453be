import AWSShapes
import Foundation
import Testing

/// The golden Lambda event payloads of `lambda-events/` and the type each one decodes as.
enum GoldenPayload: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case apiGatewayV2RequestNoAuthorizer = "apigw-v2-request-no-authorizer.json"
    case apiGatewayV2RequestJWTAuthorizer = "apigw-v2-request-jwt-authorizer.json"
    case sqsEvent = "sqs-event.json"
    case dynamoDBEvent = "dynamodb-event.json"
    case functionURLRequest = "lambda-urls-request.json"
    case functionURLResponse = "lambda-urls-response.json"
    case apiGatewayRequest = "apigw-request.json"
    case apiGatewayResponse = "apigw-response.json"

    var testDescription: String { rawValue }

    func data() throws -> Data {
        try TestData.data("lambda-events/\(rawValue)")
    }

    func roundTrip() throws -> RoundTrip {
        let data = try data()
        return switch self {
        case .apiGatewayV2RequestNoAuthorizer, .apiGatewayV2RequestJWTAuthorizer:
            try RoundTrip(APIGatewayV2Request.self, data: data)
        case .sqsEvent:
            try RoundTrip(SQSEvent.self, data: data)
        case .dynamoDBEvent:
            try RoundTrip(DynamoDBEvent.self, data: data)
        case .functionURLRequest:
            try RoundTrip(FunctionURLRequest.self, data: data)
        case .functionURLResponse:
            try RoundTrip(FunctionURLResponse.self, data: data)
        case .apiGatewayRequest:
            try RoundTrip(APIGatewayRequest.self, data: data)
        case .apiGatewayResponse:
            try RoundTrip(APIGatewayResponse.self, data: data)
        }
    }
}

@Suite("Golden Lambda event payloads")
struct GoldenPayloadTests {
    @Test(arguments: GoldenPayload.allCases)
    func goldenPayloadsRoundTrip(payload: GoldenPayload) throws {
        let roundTrip = try payload.roundTrip()
        #expect(roundTrip.differences == [])
        #expect(roundTrip.isExact)
        #expect(roundTrip.decodesToSameValue)
    }

    @Test func everyGoldenFileHasAType() throws {
        let files = try TestData.fileNames(in: "lambda-events", withExtension: "json")
        #expect(!files.isEmpty)
        #expect(Set(files) == Set(GoldenPayload.allCases.map(\.rawValue)))
    }

    @Test func apiGatewayV2RequestExposesTheRequestLine() throws {
        let request = try JSONDecoder().decode(
            APIGatewayV2Request.self,
            from: GoldenPayload.apiGatewayV2RequestJWTAuthorizer.data()
        )
        #expect(request.routeKey == "$default")
        #expect(request.rawQueryString == "parameter1=value1&parameter1=value2&parameter2=value")
        #expect(request.cookies == ["cookie1", "cookie2"])
        #expect(request.requestContext.http.method == "GET")
        #expect(request.requestContext.http.protocol == "HTTP/1.1")
        #expect(request.requestContext.timeEpoch == 1_583_348_638_390)
        #expect(request.requestContext.authorizer?.jwt?.claims == ["claim1": "value1", "claim2": "value2"])
        #expect(request.requestContext.authorizer?.jwt?.scopes == ["scope1", "scope2"])
        #expect(request.requestContext.authentication?["clientCert"]?["serialNumber"] == .string("1"))
        #expect(request.body == "{\r\n\t\"a\": 1\r\n}")
        #expect(request.isBase64Encoded == false)
    }

    @Test func apiGatewayV2RequestWithoutAuthorizerHasNoOptionalParts() throws {
        let request = try JSONDecoder().decode(
            APIGatewayV2Request.self,
            from: GoldenPayload.apiGatewayV2RequestNoAuthorizer.data()
        )
        #expect(request.requestContext.authorizer == nil)
        #expect(request.cookies == nil)
        #expect(request.queryStringParameters == nil)
        #expect(request.body == nil)
        #expect(request.headers["user-agent"] == "curl/7.58.0")
        #expect(request.requestContext.time == "21/Apr/2020:15:08:21 +0000")
    }

    @Test func functionURLRequestCarriesTheIAMCaller() throws {
        let request = try JSONDecoder().decode(FunctionURLRequest.self, from: GoldenPayload.functionURLRequest.data())
        #expect(request.routeKey == nil)
        #expect(request.requestContext.stage == nil)
        let iam = try #require(request.requestContext.authorizer?.iam)
        #expect(iam["userArn"]?.stringValue == "arn:aws:iam::111122223333:user/example-user")
        #expect(request.requestContext.authorizer?.jwt == nil)
    }

    @Test func sqsEventKeepsMessageAttributesAsSent() throws {
        let event = try JSONDecoder().decode(SQSEvent.self, from: GoldenPayload.sqsEvent.data())
        let message = try #require(event.records.first)
        #expect(event.records.count == 1)
        #expect(message.attributes["ApproximateReceiveCount"] == "2")
        #expect(message.md5OfMessageAttributes == "582c92c5c5b6ac403040a4f3ab3115c9")
        let binary = try #require(message.messageAttributes["Attribute3"])
        #expect(binary.dataType == "Binary")
        #expect(binary.binaryValue == "MTEwMA==")
        #expect(binary.stringValue == nil)
        #expect(binary.binaryListValues == ["MA==", "MQ==", "MA=="])
        #expect(message.messageAttributes["Attribute1"]?.stringListValues == [])
    }

    @Test func dynamoDBEventDecodesEveryAttributeType() throws {
        let event = try JSONDecoder().decode(DynamoDBEvent.self, from: GoldenPayload.dynamoDBEvent.data())
        #expect(event.records.count == 2)
        let first = try #require(event.records.first)
        let service = DynamoDBEvent.UserIdentity(type: "Service", principalId: "dynamodb.amazonaws.com")
        #expect(first.userIdentity == service)
        #expect(first.dynamodb.approximateCreationDateTime == 1_480_642_020)
        #expect(first.dynamodb.sizeBytes == 54)
        let image = try #require(event.records.last?.dynamodb.newImage)
        #expect(event.records.last?.userIdentity == nil)
        #expect(image["b2"] == .b(Data([0xB5, 0xEB, 0x2D])))  // "test" is valid base64 for three bytes
        #expect(image["Binary"] == .b(Data([0x00, 0x01, 0x2A, 0x41])))
        #expect(image["Boolean"] == .bool(true))
        #expect(image["List"] == .l([.s("Cookies"), .s("Coffee"), .n("3.14159")]))
        #expect(image["Map"] == .m(["Name": .s("Joe"), "Age": .n("35")]))
        #expect(image["FloatNumber"] == .n("123.45"))
        #expect(image["NumberSet"] == .ns(["1234", "567.8"]))
        #expect(image["Null"] == .null)
        #expect(image["StringSet"] == .ss(["Giraffe", "Zebra"]))
        #expect(image["EmptyStringSet"] == .ss([]))
        #expect(image["BinarySet"] == .bs([Data([0x00, 0x01, 0x2A, 0x41]), Data([0x00, 0x01, 0x2A, 0x41])]))
    }

    @Test func apiGatewayRequestKeepsNumericAuthorizerContext() throws {
        let request = try JSONDecoder().decode(APIGatewayRequest.self, from: GoldenPayload.apiGatewayRequest.data())
        #expect(request.requestContext.authorizer?["clientId"] == .number(1))
        #expect(request.requestContext.requestTimeEpoch == 1_589_522_469_693)
        #expect(request.multiValueQueryStringParameters == ["name": ["me"]])
        #expect(request.requestContext.identity.clientCert?["validity"]?["notAfter"] == "Aug  5 09:36:04 2021 GMT")
        #expect(request.isBase64Encoded == nil)
    }
}
