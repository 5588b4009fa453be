// DECISIONS (Lambda authorizers): an HTTP API route may name a REQUEST authorizer with simple responses (payload
// format 2.0), as API Gateway runs them: a request missing any identity source (or with an empty one) is 401
// `{"message":"Unauthorized"}` without invoking the function; the function gets the route's request (no body) with
// `type: "REQUEST"`, `routeArn` and `identitySource` (the sources' values in order) and answers `{"isAuthorized":
// bool, "context": {…}}`; false is 403 `{"message":"Forbidden"}`; an error, a timeout or any other answer is 500
// `{"message":"Internal Server Error"}`; true passes `context` to the route's function as
// `requestContext.authorizer.lambda`. Decisions (allow and deny) are kept `resultTtlInSeconds` (default 300, 0: none)
// per authorizer and identity values, at most 10,000 of them. IAM policy responses and JWT authorizers are not
// emulated.

import AWSShapes
import Foundation
import Synchronization

/// Runs an API's Lambda authorizers and keeps their decisions.
final class LambdaAuthorizers: Sendable {
    enum Decision: Sendable, Equatable {
        case allow(context: [String: JSONValue]?)
        /// The response API Gateway answers instead of calling the route.
        case refuse(HTTPAPIMapping.MappedResponse)
    }

    private struct Cached {
        var decision: Decision
        var expires: Date
    }

    private let cache = Mutex<[String: Cached]>([:])
    static let cacheLimit = 10_000
    let lambda: LambdaService

    /// The host's clock: a cached decision expires by it.
    let now: @Sendable () -> Date

    init(lambda: LambdaService, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lambda = lambda
        self.now = now
    }

    /// The identity sources' values, in order; nil when one is missing or empty.
    static func identity(of request: APIGatewayV2Request, sources: [String]) -> [String]? {
        var values: [String] = []
        for source in sources {
            let value: String?
            if source.hasPrefix("$request.header.") {
                value = request.headers[String(source.dropFirst("$request.header.".count)).lowercased()]
            } else {
                value = request.queryStringParameters?[String(source.dropFirst("$request.querystring.".count))]
            }
            guard let value, !value.isEmpty else { return nil }
            values.append(value)
        }
        return values
    }

    /// Decides whether `request` (the route's event) may reach its route.
    func decide(
        _ request: APIGatewayV2Request, authorizer: AuthorizerConfiguration, traceID: String?
    ) async -> Decision {
        guard let identity = Self.identity(of: request, sources: authorizer.identitySources) else {
            return .refuse(.unauthorized)
        }
        let key = ([authorizer.name] + identity).joined(separator: "\u{0}")
        let now = now()
        if authorizer.resultTtlInSeconds > 0,
            let cached = cache.withLock({ $0[key] }), cached.expires > now
        {
            return cached.decision
        }
        let decision = await invoke(request, authorizer: authorizer, identity: identity, traceID: traceID)
        let failed = if case .refuse(let response) = decision, response.status >= 500 { true } else { false }
        if authorizer.resultTtlInSeconds > 0, !failed {
            cache.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll() }
                cache[key] = Cached(
                    decision: decision, expires: now.addingTimeInterval(Double(authorizer.resultTtlInSeconds)))
            }
        }
        return decision
    }

    /// The authorizer's event: the route's request without its body, with `type`, `routeArn` and `identitySource`.
    static func event(of request: APIGatewayV2Request, identity: [String], region: String) -> [UInt8]? {
        guard let encoded = try? JSONEncoder().encode(request),
            case .object(var fields)? = try? JSONValue(parsing: encoded)
        else { return nil }
        fields["body"] = nil
        fields["isBase64Encoded"] = nil
        let context = request.requestContext
        fields["type"] = .string("REQUEST")
        fields["routeArn"] = .string(
            "arn:aws:execute-api:\(region):\(context.accountId):\(context.apiId)/\(context.stage)/"
                + "\(context.http.method)\(request.rawPath)")
        fields["identitySource"] = .array(identity.map(JSONValue.string))
        return Array(EventBridgeInput.text(.object(fields)).utf8)
    }

    private func invoke(
        _ request: APIGatewayV2Request, authorizer: AuthorizerConfiguration, identity: [String], traceID: String?
    ) async -> Decision {
        guard let payload = Self.event(of: request, identity: identity, region: lambda.region),
            let result = try? await lambda.invoke(
                authorizer.function, payload: payload, options: InvokeOptions(traceID: traceID)),
            result.functionError == nil,
            case .object(let answer)? = try? JSONValue(parsing: Data(result.payload)),
            case .bool(let allowed)? = answer["isAuthorized"]
        else { return .refuse(.internalServerError) }
        guard allowed else { return .refuse(.forbidden) }
        switch answer["context"] {
        case .object(let context)?: return .allow(context: context)
        case nil, .null?: return .allow(context: nil)
        default: return .refuse(.internalServerError)
        }
    }
}
