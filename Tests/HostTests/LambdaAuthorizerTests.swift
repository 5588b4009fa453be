import AWSShapes
import Foundation
import Testing

@testable import Host

/// HTTP API Lambda authorizers (REQUEST, simple responses) as API Gateway runs them: identity sources, 401/403/500,
/// the context passed on, and cached decisions. The authorizer is a Python function on AWS's own runtime client.
@Suite struct LambdaAuthorizerTests {
    func topologyText(log: String, python: String) -> String {
        let bootstrap = packageRoot().appendingPathComponent("Tests/Fixtures/authorizer/bootstrap").path
        return #"""
            {"functions":{
               "Authz":{"executable":"\#(bootstrap)","handler":"authz.handler","timeout":10,
                        "environment":{"AUTHORIZER_LOG":"\#(log)","PYTHON":"\#(python)"}},
               "Route":{"executable":"\#(bootstrap)","handler":"authz.route","timeout":10,
                        "environment":{"PYTHON":"\#(python)"}}},
             "httpApis":{"api":{
               "authorizers":{
                 "session":{"function":"Authz","identitySources":["$request.header.Authorization"]},
                 "byQuery":{"function":"Authz","identitySources":["$request.querystring.token"],"resultTtlInSeconds":0}},
               "routes":{
                 "GET /private":{"function":"Route","authorizer":"session"},
                 "GET /query":{"function":"Route","authorizer":"byQuery"},
                 "GET /open":"Route"}}}}
            """#
    }

    @Test func aRouteWithAnAuthorizerIsRefusedAllowedAndCachedAsAPIGatewayDoes() async throws {
        let log = NSTemporaryDirectory() + "authorizer-\(UUID().uuidString).jsonl"
        defer { unlink(log) }
        let topology = try Topology.decode(
            Data(topologyText(log: log, python: try await pythonWithAWSLambdaRIC()).utf8), baseDirectory: "/")
        try await withHost(topology) { _, ports in
            func get(_ path: String, authorization: String? = nil) async throws -> (Int, String) {
                let response = try await http(
                    "GET", "http://127.0.0.1:\(ports.api)\(path)",
                    headers: authorization.map { [("Authorization", $0)] } ?? [])
                return (response.status, response.text)
            }
            func invocations() -> [[String: Any]] {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
            }
            // No identity: 401 without invoking the authorizer.
            #expect(try await get("/private") == (401, #"{"message":"Unauthorized"}"#))
            #expect(try await get("/private", authorization: "") == (401, #"{"message":"Unauthorized"}"#))
            #expect(invocations().isEmpty)
            // Denied: 403; allowed: the route gets the authorizer's context.
            #expect(try await get("/private", authorization: "Bearer nope") == (403, #"{"message":"Forbidden"}"#))
            let allowed = try await get("/private", authorization: "Bearer good")
            #expect(allowed.0 == 200)
            let passed = try JSONSerialization.jsonObject(with: Data(allowed.1.utf8)) as? [String: Any]
            #expect(passed?["lambda"] as? [String: String] == ["user": "alice", "token": "Bearer good"])
            // The authorizer's event: the request without its body, with type, routeArn and identitySource.
            let event = try #require(invocations().last)
            #expect(event["type"] as? String == "REQUEST" && event["version"] as? String == "2.0")
            #expect(event["identitySource"] as? [String] == ["Bearer good"])
            #expect(event["routeKey"] as? String == "GET /private" && event["body"] == nil)
            let arn = try #require(event["routeArn"] as? String)
            #expect(
                arn.hasPrefix("arn:aws:execute-api:us-east-1:000000000000:") && arn.hasSuffix("/$default/GET/private"))
            // Decisions are kept per identity (300 s by default): neither is asked again.
            #expect(try await get("/private", authorization: "Bearer good").0 == 200)
            #expect(try await get("/private", authorization: "Bearer nope").0 == 403)
            #expect(invocations().count == 2)
            // A failing or malformed authorizer is 500, and not cached.
            #expect(
                try await get("/private", authorization: "Bearer boom") == (
                    500, #"{"message":"Internal Server Error"}"#
                ))
            #expect(try await get("/private", authorization: "Bearer bad-shape").0 == 500)
            #expect(try await get("/private", authorization: "Bearer boom").0 == 500)
            #expect(invocations().count == 5)
            // A query-string source with caching off: asked every time.
            #expect(try await get("/query?token=good").0 == 200)
            #expect(try await get("/query?token=good").0 == 200)
            #expect(try await get("/query").0 == 401)
            #expect(invocations().count == 7)
            // A route without an authorizer never asks one, and its event has no authorizer.
            let open = try await get("/open", authorization: "Bearer nope")
            #expect(open.0 == 200 && open.1 == "null")
            #expect(invocations().count == 7)
            // The cache counts by the host's clock: five minutes later the authorizer is asked again.
            let advanced = try await http(
                "POST", "http://127.0.0.1:\(ports.aws)/_host/clock/advance",
                headers: [("Content-Type", "application/json")], body: Array(#"{"seconds":301}"#.utf8))
            #expect(advanced.status == 200)
            #expect(try await get("/private", authorization: "Bearer good").0 == 200)
            #expect(invocations().count == 8)
        }
    }

    @Test func mistakesInTheTopologyAreNamed() throws {
        func decodes(_ api: String) -> String? {
            let text =
                #"{"functions":{"Fn":{"executable":"/bin/true"}},"httpApis":{"api":\#(api)}}"#
            do {
                _ = try Topology.decode(Data(text.utf8), baseDirectory: "/")
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(
            decodes(#"{"routes":{"GET /a":{"function":"Fn","authorizer":"nope"}}}"#)?.contains("authorizer 'nope'")
                == true)
        #expect(
            decodes(
                #"{"authorizers":{"a":{"function":"Fn","identitySources":["$context.x"]}},"routes":{"GET /a":"Fn"}}"#)?
                .contains("$request.header.<name>") == true)
        #expect(
            decodes(#"{"authorizers":{"a":{"function":"Fn","identitySources":[]}},"routes":{"GET /a":"Fn"}}"#) != nil)
        #expect(
            decodes(
                #"{"authorizers":{"a":{"function":"Fn","identitySources":["$request.header.A"],"resultTtlInSeconds":3601}},"routes":{"GET /a":"Fn"}}"#
            ) != nil)
        #expect(
            decodes(
                #"{"authorizers":{"a":{"function":"Other","identitySources":["$request.header.A"]}},"routes":{"GET /a":"Fn"}}"#
            )
                != nil)
        #expect(
            decodes(
                #"{"authorizers":{"a":{"function":"Fn","identitySources":["$request.header.A"]}},"routes":{"GET /a":{"function":"Fn","authorizer":"a"}}}"#
            ) == nil)
    }
}
