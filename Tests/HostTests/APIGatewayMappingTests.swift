import AWSShapes
import Foundation
import Testing

@testable import Host

@Suite struct RouteTableTests {
    let table = try! RouteTable([
        RouteConfiguration(key: "GET /items/{id}", function: "Get"),
        RouteConfiguration(key: "GET /items/special", function: "Special"),
        RouteConfiguration(key: "ANY /items/{id}", function: "AnyItem"),
        RouteConfiguration(key: "GET /files/{proxy+}", function: "Files"),
        RouteConfiguration(key: "POST /api/v1/orders", function: "Orders"),
        RouteConfiguration(key: "$default", function: "Fallback"),
    ])

    @Test(arguments: [
        ("GET", "/items/42", "Get", ["id": "42"]),
        ("GET", "/items/special", "Special", [:]),
        ("DELETE", "/items/42", "AnyItem", ["id": "42"]),
        ("GET", "/files/a/b/c.txt", "Files", ["proxy": "a/b/c.txt"]),
        ("GET", "/items/a%20b", "Get", ["id": "a b"]),
        ("POST", "/api/v1/orders", "Orders", [:]),
        ("GET", "/api/v1/orders", "Fallback", [:]),
        ("GET", "/nowhere", "Fallback", [:]),
    ])
    func mostSpecificRouteWins(method: String, path: String, function: String, parameters: [String: String]) {
        let match = table.match(method: method, path: path)
        #expect(match?.route.function == function)
        #expect(match?.pathParameters == parameters)
    }

    @Test func unknownRouteWithoutDefaultIsNil() throws {
        let table = try RouteTable([RouteConfiguration(key: "GET /a", function: "A")])
        #expect(table.match(method: "GET", path: "/b") == nil)
        #expect(table.match(method: "POST", path: "/a") == nil)
        #expect(table.match(method: "GET", path: "/a/b") == nil)
    }

    @Test(arguments: ["GET items", "FETCH /a", "GET /a/{proxy+}/b", "GET /a/{}", "GET /{x}/{x}"])
    func invalidRouteKeysAreRejected(key: String) {
        #expect(throws: TopologyError.self) { try RouteKey(key) }
    }
}

@Suite struct HTTPAPIMappingTests {
    let mapping = HTTPAPIMapping(apiID: "abc123defg", accountID: "000000000000")

    func request(headers: [(String, String)] = [], body: String = "", query: String = "") -> IncomingHTTPRequest {
        IncomingHTTPRequest(
            method: "POST", rawPath: "/my/path", rawQueryString: query, headers: headers, body: Array(body.utf8),
            sourceIP: "192.0.2.1")
    }

    /// The headers API Gateway adds (as in the recorded `apigw-v2-request-no-authorizer.json`).
    @Test func theEventCarriesTheHeadersAPIGatewayAdds() {
        var incoming = request(headers: [("Host", "127.0.0.1:3000"), ("X-Forwarded-For", "10.0.0.7")], body: "{}")
        incoming.localPort = 3000
        incoming.traceID = "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c"
        let event = mapping.event(
            for: incoming, routeKey: "POST /my/path", pathParameters: [:], requestID: "id", now: Date())
        #expect(event.headers["host"] == "127.0.0.1:3000")
        #expect(event.headers["x-forwarded-for"] == "10.0.0.7, 192.0.2.1")
        #expect(event.headers["x-forwarded-proto"] == "http")
        #expect(event.headers["x-forwarded-port"] == "3000")
        #expect(event.headers["x-amzn-trace-id"] == "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c")
        #expect(event.headers["content-length"] == "2")
    }

    @Test func eventHasPayloadFormatTwoShape() throws {
        let event = mapping.event(
            for: request(
                headers: [
                    ("Host", "api.example.com"), ("Content-Type", "application/json"), ("User-Agent", "agent"),
                    ("X-Multi", "a"), ("x-multi", "b"), ("Cookie", "c1=v1; c2=v2"),
                ],
                body: #"{"a":1}"#, query: "parameter1=value1&parameter1=value2&parameter2=value"),
            routeKey: "POST /my/path", pathParameters: [:], requestID: "id",
            now: Date(timeIntervalSince1970: 1_583_348_638.39))
        #expect(event.version == "2.0")
        #expect(event.routeKey == "POST /my/path")
        #expect(event.rawQueryString == "parameter1=value1&parameter1=value2&parameter2=value")
        #expect(event.queryStringParameters == ["parameter1": "value1,value2", "parameter2": "value"])
        #expect(event.cookies == ["c1=v1", "c2=v2"])
        #expect(event.headers["cookie"] == nil)
        #expect(event.headers["x-multi"] == "a,b")
        #expect(event.headers["content-type"] == "application/json")
        #expect(event.pathParameters == nil)
        #expect(event.body == #"{"a":1}"#)
        #expect(event.isBase64Encoded == false)
        #expect(event.requestContext.http.sourceIp == "192.0.2.1")
        #expect(event.requestContext.http.userAgent == "agent")
        #expect(event.requestContext.domainName == "api.example.com")
        #expect(event.requestContext.domainPrefix == "api")
        #expect(event.requestContext.stage == "$default")
        #expect(event.requestContext.time == "04/Mar/2020:19:03:58 +0000")
        #expect(event.requestContext.timeEpoch == 1_583_348_638_390)
    }

    func keys(_ value: JSONValue?) -> Set<String> { Set(value?.objectValue?.keys.map { $0 } ?? []) }

    @Test func eventHasTheKeysOfAWSsGoldenEvents() throws {
        // A request with every part has every key AWS sends (no stage variables or authorizer here) and no other.
        let full = try JSONValue(
            parsing: Data(contentsOf: testData("lambda-events/apigw-v2-request-jwt-authorizer.json")))
        let event = mapping.event(
            for: request(headers: [("Cookie", "a=b"), ("Content-Type", "text/plain")], body: "x", query: "q=1"),
            routeKey: "POST /my/path", pathParameters: ["p": "1"], requestID: "id", now: Date())
        let ours = try JSONValue(parsing: JSONEncoder().encode(event))
        #expect(keys(ours) == keys(full).subtracting(["stageVariables"]))
        #expect(
            keys(ours["requestContext"]) == keys(full["requestContext"]).subtracting(["authentication", "authorizer"]))
        #expect(keys(ours["requestContext"]?["http"]) == keys(full["requestContext"]?["http"]))
        // A bare request omits the empty parts, as AWS does.
        let bare = try JSONValue(
            parsing: Data(contentsOf: testData("lambda-events/apigw-v2-request-no-authorizer.json")))
        let minimal = try JSONValue(
            parsing: JSONEncoder().encode(
                mapping.event(for: request(), routeKey: "$default", pathParameters: [:], requestID: "id", now: Date())))
        #expect(keys(minimal) == keys(bare))
    }

    @Test func binaryBodyIsBase64() {
        let event = mapping.event(
            for: IncomingHTTPRequest(
                method: "PUT", rawPath: "/f", rawQueryString: "", headers: [("content-type", "image/png")],
                body: [0, 255, 1], sourceIP: "127.0.0.1"),
            routeKey: "$default", pathParameters: [:], requestID: "id", now: Date())
        #expect(event.isBase64Encoded)
        #expect(event.body == "AP8B")
        let empty = mapping.event(
            for: request(), routeKey: "$default", pathParameters: [:], requestID: "id", now: Date())
        #expect(empty.body == nil)
        #expect(empty.isBase64Encoded == false)
        #expect(empty.queryStringParameters == nil)
        #expect(empty.cookies == nil)
    }

    func result(_ text: String, error: Bool = false) -> InvocationResult {
        InvocationResult(
            payload: Array(text.utf8), functionError: error ? "Unhandled" : nil, logLines: [], requestID: "r")
    }

    @Test func structuredResponseIsMapped() {
        let mapped = mapping.response(
            for: result(
                #"{"statusCode":201,"headers":{"x-a":"1"},"cookies":["s=1","t=2"],"body":"created"}"#))
        #expect(mapped.status == 201)
        #expect(mapped.body == Array("created".utf8))
        #expect(mapped.headers.contains { $0 == ("x-a", "1") })
        #expect(mapped.headers.filter { $0.0 == "set-cookie" }.map(\.1) == ["s=1", "t=2"])
    }

    @Test func base64ResponseIsDecoded() {
        let mapped = mapping.response(for: result(#"{"statusCode":200,"body":"AP8B","isBase64Encoded":true}"#))
        #expect(mapped.body == [0, 255, 1])
    }

    @Test(arguments: [#"{"a":1}"#, #""plain""#, "42", "[1,2]"])
    func plainJSONIsA200JSONBody(text: String) {
        let mapped = mapping.response(for: result(text))
        #expect(mapped.status == 200)
        #expect(mapped.body == Array(text.utf8))
        #expect(mapped.headers.contains { $0 == ("content-type", "application/json") })
    }

    @Test(arguments: [
        ("{\"errorType\":\"x\"}", true), ("not json", false), (#"{"statusCode":"x"}"#, false),
        (#"{"statusCode":99}"#, false),
    ])
    func failuresAreInternalServerError(text: String, error: Bool) {
        let mapped = mapping.response(for: result(text, error: error))
        #expect(mapped == .internalServerError)
        #expect(String(decoding: mapped.body, as: UTF8.self) == #"{"message":"Internal Server Error"}"#)
    }

    @Test func corsPreflightAndResponseHeaders() {
        let cors = CORSConfiguration(
            allowOrigins: ["https://shop.example"], allowMethods: ["GET", "POST"], allowHeaders: ["content-type"],
            exposeHeaders: ["x-total"], maxAge: 300, allowCredentials: true)
        let preflight = cors.preflightHeaders(origin: "https://shop.example", requestHeaders: "Content-Type")
        #expect(preflight?.first { $0.0 == "access-control-allow-origin" }?.1 == "https://shop.example")
        #expect(preflight?.first { $0.0 == "access-control-allow-methods" }?.1 == "GET,POST")
        #expect(preflight?.first { $0.0 == "access-control-max-age" }?.1 == "300")
        #expect(preflight?.first { $0.0 == "access-control-allow-credentials" }?.1 == "true")
        #expect(cors.preflightHeaders(origin: "https://evil.example", requestHeaders: nil) == nil)
        #expect(cors.responseHeaders(origin: "https://evil.example").isEmpty)
        #expect(
            cors.responseHeaders(origin: "https://shop.example").contains {
                $0 == ("access-control-expose-headers", "x-total")
            })
        let open = CORSConfiguration(allowOrigins: ["*"])
        #expect(open.responseHeaders(origin: "https://any.example").first?.1 == "*")
    }
}
