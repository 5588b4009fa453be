import AWSShapes
import Foundation

/// An HTTP request as API Gateway receives it, before routing.
struct IncomingHTTPRequest: Sendable {
    var method: String
    /// The path as sent (still percent-encoded).
    var rawPath: String
    /// The query string as sent, without `?`.
    var rawQueryString: String
    /// Header fields in arrival order.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var sourceIP: String
    /// The port the request came in on (`x-forwarded-port`).
    var localPort: Int = 443
    /// The request's `X-Amzn-Trace-Id`, started here when the client sent none.
    var traceID: String? = nil
}

/// Builds payload format 2.0 events and maps function results back to HTTP, as API Gateway's HTTP APIs do.
struct HTTPAPIMapping: Sendable {
    var apiID: String
    var accountID: String
    var stage = "$default"

    /// The event the route's function receives.
    func event(
        for request: IncomingHTTPRequest, routeKey: String, pathParameters: [String: String], requestID: String,
        now: Date, authorizer: APIGatewayV2Request.Authorizer? = nil
    ) -> APIGatewayV2Request {
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for (name, value) in request.headers {
            let key = name.lowercased()
            if key == "cookie" {
                cookies += value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty
                }
                continue
            }
            headers[key] = headers[key].map { "\($0),\(value)" } ?? value
        }
        // What API Gateway adds: the client's address appended to X-Forwarded-For, the scheme and port it came in
        // on, the trace header it starts or continues, and the body's length.
        headers["x-forwarded-for"] = headers["x-forwarded-for"].map { "\($0), \(request.sourceIP)" } ?? request.sourceIP
        headers["x-forwarded-proto"] = "http"
        headers["x-forwarded-port"] = String(request.localPort)
        if let traceID = request.traceID { headers["x-amzn-trace-id"] = traceID }
        headers["content-length"] = String(request.body.count)
        var query: [String: String] = [:]
        for pair in request.rawQueryString.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decodeQueryComponent(parts[0])
            let value = parts.count > 1 ? Self.decodeQueryComponent(parts[1]) : ""
            query[key] = query[key].map { "\($0),\(value)" } ?? value
        }
        let host = headers["host"] ?? "\(apiID).execute-api.us-east-1.amazonaws.com"
        let domainPrefix = host.split(separator: ".").first.map(String.init) ?? host
        let isText = Self.isTextual(contentType: headers["content-type"])
        let body: String? =
            request.body.isEmpty
            ? nil : (isText ? String(decoding: request.body, as: UTF8.self) : Data(request.body).base64EncodedString())
        let context = APIGatewayV2Request.Context(
            accountId: accountID,
            apiId: apiID,
            authentication: nil,
            authorizer: authorizer,
            domainName: host,
            domainPrefix: domainPrefix,
            http: .init(
                method: request.method, path: request.rawPath, protocol: "HTTP/1.1", sourceIp: request.sourceIP,
                userAgent: headers["user-agent"] ?? ""),
            requestId: requestID,
            routeKey: routeKey,
            stage: stage,
            time: Self.requestTime(now),
            timeEpoch: Int64(now.timeIntervalSince1970 * 1000)
        )
        return APIGatewayV2Request(
            version: "2.0",
            routeKey: routeKey,
            rawPath: request.rawPath,
            rawQueryString: request.rawQueryString,
            cookies: cookies.isEmpty ? nil : cookies,
            headers: headers,
            queryStringParameters: query.isEmpty ? nil : query,
            pathParameters: pathParameters.isEmpty ? nil : pathParameters,
            stageVariables: nil,
            requestContext: context,
            body: body,
            isBase64Encoded: body != nil && !isText
        )
    }

    /// The HTTP response API Gateway sends for a function's result.
    struct MappedResponse: Equatable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        static func == (lhs: MappedResponse, rhs: MappedResponse) -> Bool {
            lhs.status == rhs.status && lhs.body == rhs.body
                && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
        }

        static func message(_ status: Int, _ text: String) -> MappedResponse {
            MappedResponse(
                status: status, headers: [("content-type", "application/json")],
                body: Array(#"{"message":"\#(text)"}"#.utf8))
        }

        static let internalServerError = message(500, "Internal Server Error")
        static let unauthorized = message(401, "Unauthorized")
        static let forbidden = message(403, "Forbidden")
        static let notFound = message(404, "Not Found")
        static let tooLarge = message(413, "Request Entity Too Large")
        static let badRequest = message(400, "Bad Request")
        static let serviceUnavailable = message(503, "Service Unavailable")
    }

    /// Format 2.0 responses: an object with `statusCode` says everything; any other valid JSON is a 200
    /// `application/json` body; a function error or unreadable output is a 500.
    func response(for result: InvocationResult) -> MappedResponse {
        guard result.functionError == nil,
            let json = try? JSONValue(parsing: Data(result.payload))
        else { return .internalServerError }
        guard case .object(let object) = json, let statusValue = object["statusCode"] else {
            return MappedResponse(status: 200, headers: [("content-type", "application/json")], body: result.payload)
        }
        guard case .number(let number) = statusValue, let status = Int(exactly: number), (100...599).contains(status),
            let response = try? JSONDecoder().decode(APIGatewayV2Response.self, from: Data(result.payload))
        else { return .internalServerError }
        var headers: [(String, String)] = (response.headers ?? [:]).sorted { $0.key < $1.key }.map {
            ($0.key, $0.value)
        }
        for cookie in response.cookies ?? [] { headers.append(("set-cookie", cookie)) }
        var body: [UInt8] = []
        if let text = response.body {
            if response.isBase64Encoded == true {
                guard let decoded = Data(base64Encoded: text) else { return .internalServerError }
                body = Array(decoded)
            } else {
                body = Array(text.utf8)
            }
        }
        return MappedResponse(status: status, headers: headers, body: body)
    }

    /// API Gateway passes these bodies as text; any other body (or one without a content type) is base64.
    static func isTextual(contentType: String?) -> Bool {
        guard let type = contentType?.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        else { return false }
        if type.hasPrefix("text/") { return true }
        return ["application/json", "application/xml", "application/javascript", "application/graphql"].contains(type)
            || type.hasSuffix("+json") || type.hasSuffix("+xml")
    }

    /// `12/Mar/2020:19:03:58 +0000`.
    static func requestTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return
            "\(two(parts.day))/\(months[(parts.month ?? 1) - 1])/\(parts.year ?? 1970):\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    static func decodeQueryComponent(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncodingLeniently
    }

    /// API Gateway's request ids look like `JKJaXmPLvHcESHA=`.
    static func newRequestID() -> String {
        var bytes = [UInt8](repeating: 0, count: 10)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString()
    }
}
