import AWSShapes
import Foundation
import Testing

@testable import Host

/// `host event`: sample events made by the host's own code, as it delivers them, for `aws lambda invoke`.
@Suite struct SampleEventsTests {
    static func commerce() throws -> Topology {
        try Topology.load(path: packageRoot().appendingPathComponent("infra/topology.json").path)
    }

    @Test func anAPIRequestIsRoutedByTheTopologyAsTheGatewayRoutesIt() throws {
        let events = try SampleEvents(topology: try Self.commerce())
        let text = try events.apiGateway(
            method: "put", path: "/cart/c-42/add-items?dry=1", body: #"{"items":[]}"#, headers: [("X-Mine", "yes")],
            authorizerContext: #"{"userId":"u-1"}"#)
        let event = try JSONDecoder().decode(APIGatewayV2Request.self, from: Data(text.utf8))
        #expect(event.routeKey == "PUT /cart/{cartId}/add-items" && event.rawPath == "/cart/c-42/add-items")
        #expect(event.pathParameters == ["cartId": "c-42"] && event.queryStringParameters == ["dry": "1"])
        #expect(event.body == #"{"items":[]}"# && event.isBase64Encoded == false)
        #expect(event.headers["x-mine"] == "yes" && event.headers["content-type"] == "application/json")
        #expect(event.requestContext.apiId == APIGateway.apiID("cart-api") && event.requestContext.http.method == "PUT")
        #expect(event.requestContext.authorizer?.lambda?["userId"] == .string("u-1"))
        #expect(event.version == "2.0" && event.requestContext.accountId == "000000000000")
        #expect(throws: SampleEventError.self) { try events.apiGateway(method: "GET", path: "/nowhere") }
    }

    @Test func anSQSBatchIsWhatAMappingReceives() throws {
        let events = try SampleEvents(topology: try Self.commerce())
        let text = try events.sqs(queue: "SyncOrderWorker-Queue", body: #"{"hello":"world"}"#)
        let batch = try JSONDecoder().decode(SQSEvent.self, from: Data(text.utf8))
        let record = try #require(batch.records.first)
        #expect(batch.records.count == 1 && record.body == #"{"hello":"world"}"#)
        #expect(record.eventSourceARN == "arn:aws:sqs:us-east-1:000000000000:SyncOrderWorker-Queue")
        #expect(record.attributes["ApproximateReceiveCount"] == "1" && record.attributes["SentTimestamp"] != nil)
        #expect(record.md5OfBody == "fbc24bcc7a1794758fc1327fcfebdaf6")
        #expect(throws: SampleEventError.self) { try events.sqs(queue: "Nope", body: "x") }
    }

    @Test func aStreamRecordIsWhatAWriteMakes() throws {
        let events = try SampleEvents(topology: try Self.commerce())
        let inserted = try events.dynamoDB(
            table: "commerce", item: #"{"pk":{"S":"A"},"sk":{"S":"B"},"units":{"N":"3"}}"#)
        let insert = try JSONDecoder().decode(DynamoDBEvent.self, from: Data(inserted.utf8))
        let record = try #require(insert.records.first)
        #expect(record.eventName == "INSERT" && record.dynamodb.newImage?["units"] == .n("3"))
        #expect(
            record.dynamodb.keys == ["pk": .s("A"), "sk": .s("B")] && record.dynamodb.streamViewType == "NEW_IMAGE")
        #expect(record.eventSourceARN.hasPrefix("arn:aws:dynamodb:us-east-1:000000000000:table/commerce/stream/"))
        let modified = try events.dynamoDB(
            table: "commerce", item: #"{"pk":{"S":"A"},"sk":{"S":"B"},"units":{"N":"4"}}"#,
            oldItem: #"{"units":{"N":"3"}}"#)
        #expect(
            try JSONDecoder().decode(DynamoDBEvent.self, from: Data(modified.utf8)).records.first?.eventName == "MODIFY"
        )
        #expect(throws: SampleEventError.self) { try events.dynamoDB(table: "commerce", item: #"{"pk":{"S":"A"}}"#) }
        #expect(throws: SampleEventError.self) {
            try events.dynamoDB(table: "shopping-cart", item: #"{"PK":{"S":"A"}}"#)
        }
    }

    @Test func busAndScheduleEventsAreEventBridgesShape() throws {
        let events = try SampleEvents(topology: try Self.commerce())
        let event = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try events.eventBridge(source: "shop", detailType: "Thing", detail: #"{"a":1}"#).utf8))
                as? [String: Any])
        #expect(event["source"] as? String == "shop" && event["detail-type"] as? String == "Thing")
        #expect((event["detail"] as? [String: Any])?["a"] as? Int == 1 && event["version"] as? String == "0")
        let rule = "shopping-cart-all-events-to-log"
        let scheduled = try #require(
            try JSONSerialization.jsonObject(with: Data(try events.schedule(rule: rule).utf8)) as? [String: Any])
        #expect(
            scheduled["detail-type"] as? String == "Scheduled Event" && scheduled["source"] as? String == "aws.events")
        #expect((scheduled["resources"] as? [String])?.first?.hasSuffix("rule/shopping-cart-stream/\(rule)") == true)
        #expect(throws: SampleEventError.self) { try events.eventBridge(source: "s", detailType: "d", detail: "[1]") }
    }

    /// The command line, and the real function taking its event through `aws lambda invoke`.
    @Test func theCommandsEventIsInvokedThroughTheCLI() async throws {
        try await CommerceEndToEndTests().withShop(try CommerceEndToEndTests.topology(acceptRate: "1")) { _, ports in
            let topology = packageRoot().appendingPathComponent("infra/topology.json").path
            let printed = try await run(
                try builtProduct("host"),
                [
                    "event", "apigateway", "--topology", topology, "--method", "POST", "--path",
                    "/api/v1/inventory/listSkus", "--body", #"{"sku":"APPLES"}"#,
                ])
            #expect(printed.status == 0, "\(printed.error)")
            let file = NSTemporaryDirectory() + "event-\(UUID().uuidString).json"
            try printed.output.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let out = file + ".out"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let invoked = try await aws([
                "lambda", "invoke", "--endpoint-url", "http://127.0.0.1:\(ports.aws)", "--function-name", "ListSKUsApi",
                "--payload", "fileb://\(file)", out,
            ])
            #expect(invoked.status == 0, "\(invoked.error)")
            let response = try String(contentsOfFile: out, encoding: .utf8)
            #expect(response.contains(#""statusCode":200"#), "\(response)")
            let refused = try await run(try builtProduct("host"), ["event", "sqs", "--topology", topology])
            #expect(refused.status != 0 && refused.error.contains("sqs needs --queue"), "\(refused.error)")
        }
    }
}
