import AWSShapes
import CurlHTTP
import Foundation
import Synchronization
import Testing

@testable import AWSClients

/// Records the sleeps a client asks for, instead of sleeping.
final class SleepRecorder: Sendable {
    private let sleeps = Mutex<[Duration]>([])
    var recorded: [Duration] { sleeps.withLock { $0 } }
    var sleep: @Sendable (Duration) -> Void { { duration in self.sleeps.withLock { $0.append(duration) } } }
}

@Suite("AWS JSON protocol over libcurl", .serialized)
struct JSONProtocolTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

    static func client(
        endpoint: String,
        service: AWSService = .dynamoDB,
        sessionToken: String? = "SESSION",
        retryPolicy: RetryPolicy = RetryPolicy(),
        sleeps: SleepRecorder = SleepRecorder(),
        random: Double = 0.5,
        trace: String? = nil
    ) throws -> AWSJSONClient {
        try AWSJSONClient(
            configuration: AWSClientConfiguration(
                service: service,
                credentials: AWSCredentials(
                    accessKeyID: "AKIDTEST", secretAccessKey: "SECRET", sessionToken: sessionToken),
                region: "us-east-1",
                endpoint: endpoint
            ),
            retryPolicy: retryPolicy,
            timeoutMilliseconds: 5_000,
            now: { date },
            sleep: sleeps.sleep,
            random: { random },
            traceHeader: { trace }
        )
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("a request is a signed POST / with the target, the JSON content type and the input as body")
    func requestShape() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(status: 200, body: #"{"Item":{"pk":{"S":"a"},"n":{"N":"12.50"}}}"#)
        ])
        defer { server.stop() }
        let client = try Self.client(endpoint: server.endpoint)
        let output = try client.send(
            GetItem.self, GetItemInput(tableName: "orders", key: ["pk": .s("a")], consistentRead: true))
        #expect(output.item == ["pk": .s("a"), "n": .n("12.50")])

        let request = try #require(server.requests.first)
        #expect(request.requestLine == "POST / HTTP/1.1")
        #expect(request.header("X-Amz-Target") == "DynamoDB_20120810.GetItem")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.0")
        #expect(request.header("Host") == "127.0.0.1:\(server.port)")
        #expect(request.header("X-Amz-Date") == "20231114T221320Z")
        #expect(request.header("X-Amz-Security-Token") == "SESSION")
        #expect(request.headerCount("Host") == 1)
        #expect(request.header("Expect") == nil)
        let authorization = try #require(request.header("Authorization"))
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/dynamodb/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="))
        let signature = try #require(authorization.split(separator: "=").last)
        #expect(signature.count == 64 && signature.allSatisfy(\.isHexDigit))
        #expect(request.header("Content-Length") == String(request.body.count))

        let body = try Self.json(request.body)
        #expect(body["TableName"] as? String == "orders")
        #expect(body["ConsistentRead"] as? Bool == true)
        #expect((body["Key"] as? [String: Any])?["pk"] as? [String: String] == ["S": "a"])
        #expect(body.count == 3, "nil members are omitted: \(body.keys)")
    }

    @Test("the signature verifies: recomputing it from the received request gives the same Authorization")
    func signatureMatchesReceivedRequest() throws {
        let server = try TestHTTPServer(responses: [CannedResponse(status: 200, body: "{}")])
        defer { server.stop() }
        let client = try Self.client(endpoint: server.endpoint)
        _ = try client.send(DeleteTable.self, DeleteTableInput(tableName: "t"))
        let request = try #require(server.requests.first)
        let signed = ["Host", "Content-Type", "X-Amz-Target"].map { (name: $0, value: request.header($0) ?? "") }
        let expected = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "SECRET", sessionToken: "SESSION"),
            region: "us-east-1",
            service: "dynamodb"
        ).sign(SigV4Signer.Request(method: "POST", headers: signed, body: request.body), date: Self.date)
        #expect(request.header("Authorization") == expected.authorization)
    }

    @Test("without a session token there is no X-Amz-Security-Token")
    func noSessionToken() throws {
        let server = try TestHTTPServer(responses: [CannedResponse(status: 200, body: "{}")])
        defer { server.stop() }
        _ = try Self.client(endpoint: server.endpoint, sessionToken: nil).send(
            DeleteTable.self, DeleteTableInput(tableName: "t"))
        let request = try #require(server.requests.first)
        #expect(request.header("X-Amz-Security-Token") == nil)
        #expect(
            request.header("Authorization")?.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,")
                == true)
    }

    @Test("inside an invocation, the trace header goes with every call, unsigned, as AWS SDKs send it")
    func traceHeader() throws {
        let server = try TestHTTPServer(responses: [CannedResponse(status: 200, body: "{}")])
        defer { server.stop() }
        let trace = "Root=1-6752f0a1-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0"
        _ = try Self.client(endpoint: server.endpoint, trace: trace).send(
            DeleteTable.self, DeleteTableInput(tableName: "t"))
        let request = try #require(server.requests.first)
        #expect(request.header("X-Amzn-Trace-Id") == trace)
        #expect(request.header("Authorization")?.contains("x-amzn-trace-id") == false)
    }

    @Test("the JSON version is the operation's: 1.1 for EventBridge")
    func jsonVersion() throws {
        enum PutEventsProbe: AWSJSONOperation {
            typealias Input = [String: [String]]
            typealias Output = [String: Int]
            static let target = "AWSEvents.PutEvents"
            static let jsonVersion = "1.1"
        }
        let server = try TestHTTPServer(responses: [CannedResponse(status: 200, body: #"{"FailedEntryCount":0}"#)])
        defer { server.stop() }
        let output = try Self.client(endpoint: server.endpoint, service: .eventBridge).send(
            PutEventsProbe.self, ["Entries": []])
        #expect(output == ["FailedEntryCount": 0])
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("X-Amz-Target") == "AWSEvents.PutEvents")
        #expect(request.header("Authorization")?.contains("/us-east-1/events/aws4_request") == true)
    }

    @Test("consecutive requests reuse one connection")
    func keepAlive() throws {
        let server = try TestHTTPServer(responses: Array(repeating: CannedResponse(status: 200, body: "{}"), count: 3))
        defer { server.stop() }
        let client = try Self.client(endpoint: server.endpoint)
        for _ in 0..<3 { _ = try client.send(DeleteTable.self, DeleteTableInput(tableName: "t")) }
        #expect(server.requests.count == 3)
        #expect(server.connections == 1)
    }

    // MARK: errors

    @Test(
        "the error type loses its namespace prefix; message or Message is read",
        arguments: [
            (
                #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#,
                "ResourceNotFoundException", "Requested resource not found"
            ),
            (#"{"__type":"ValidationException","Message":"bad"}"#, "ValidationException", "bad"),
            (#"{"__type":"com.amazon.coral.validate#ValidationException"}"#, "ValidationException", nil),
        ] as [(String, String, String?)])
    func errorBody(_ body: String, _ type: String, _ message: String?) {
        let error = AWSServiceError(response: HTTPClientResponse(status: 400, headers: [], body: Array(body.utf8)))
        #expect(error.type == type)
        #expect(error.message == message)
        #expect(error.status == 400)
    }

    @Test("an error without a body takes its type from X-Amzn-ErrorType")
    func errorHeader() {
        let error = AWSServiceError(
            response: HTTPClientResponse(
                status: 400, headers: [("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/")],
                body: []))
        #expect(error.type == "ThrottlingException")
    }

    @Test("ConditionalCheckFailed carries the old item from the error body")
    func conditionalCheckFailed() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(
                status: 400,
                body: #"""
                    {"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                     "message":"The conditional request failed",
                     "Item":{"id":{"S":"456"},"price":{"N":"650"},"product":{"S":"sporting goods"}}}
                    """#)
        ])
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: try Self.client(endpoint: server.endpoint, sleeps: sleeps))
        #expect {
            try dynamo.putItem(
                PutItemInput(
                    tableName: "t", item: ["id": .s("456")], conditionExpression: "attribute_not_exists(id)",
                    returnValuesOnConditionCheckFailure: .allOld))
        } throws: { error in
            guard case DynamoDBError.conditionalCheckFailed(let item) = error else { return false }
            return item == ["id": .s("456"), "price": .n("650"), "product": .s("sporting goods")]
        }
        #expect(server.requests.count == 1, "a 4xx is not retried")
        #expect(sleeps.recorded.isEmpty)
        let body = try Self.json(try #require(server.requests.first).body)
        #expect(body["ReturnValuesOnConditionCheckFailure"] as? String == "ALL_OLD")
        #expect(body["ConditionExpression"] as? String == "attribute_not_exists(id)")
    }

    @Test("TransactionCanceled carries the cancellation reasons in order")
    func transactionCanceled() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(
                status: 400,
                body: #"""
                    {"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                     "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
                     "CancellationReasons":[
                       {"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"id":{"S":"a"}}},
                       {"Code":"None"}]}
                    """#)
        ])
        defer { server.stop() }
        let dynamo = DynamoDBClient(client: try Self.client(endpoint: server.endpoint))
        let input = TransactWriteItemsInput(
            transactItems: [
                TransactWriteItem(
                    conditionCheck: .init(
                        key: ["id": .s("a")], tableName: "t", conditionExpression: "attribute_not_exists(id)",
                        returnValuesOnConditionCheckFailure: .allOld)),
                TransactWriteItem(put: .init(item: ["id": .s("b")], tableName: "t")),
            ],
            clientRequestToken: "token-1"
        )
        do {
            _ = try dynamo.transactWriteItems(input)
            Issue.record("expected TransactionCanceledException")
        } catch {
            guard case .transactionCanceled(let reasons, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(
                reasons == [
                    CancellationReason(
                        code: "ConditionalCheckFailed", message: "The conditional request failed", item: ["id": .s("a")]
                    ),
                    CancellationReason(code: "None"),
                ])
            #expect(message?.hasPrefix("Transaction cancelled") == true)
        }
        let body = try Self.json(try #require(server.requests.first).body)
        #expect(body["ClientRequestToken"] as? String == "token-1")
        let items = try #require(body["TransactItems"] as? [[String: Any]])
        #expect(items.count == 2)
        #expect(
            (items[0]["ConditionCheck"] as? [String: Any])?["ReturnValuesOnConditionCheckFailure"] as? String
                == "ALL_OLD")
        #expect((items[1]["Put"] as? [String: Any])?["TableName"] as? String == "t")
    }

    @Test(
        "service errors map to typed DynamoDB errors",
        arguments: [
            ("ResourceNotFoundException", 400, "resourceNotFound"),
            ("ResourceInUseException", 400, "resourceInUse"),
            ("ValidationException", 400, "validation"),
            ("ProvisionedThroughputExceededException", 400, "throttled"),
            ("TransactionConflictException", 400, "other"),
            ("InternalServerError", 500, "other"),
        ])
    func typedErrors(_ type: String, _ status: Int, _ expected: String) {
        let error = DynamoDBError(AWSServiceError(type: type, message: "m", status: status))
        let kind: String
        switch error {
        case .resourceNotFound(let message): kind = message == "m" ? "resourceNotFound" : "wrong message"
        case .resourceInUse: kind = "resourceInUse"
        case .validation(let message): kind = message == "m" ? "validation" : "wrong message"
        case .throttled(let throttledType, _): kind = throttledType == type ? "throttled" : "wrong type"
        case .other(let otherType, _, let otherStatus):
            kind = otherType == type && otherStatus == status ? "other" : "wrong"
        default: kind = "\(error)"
        }
        #expect(kind == expected)
        #expect(error.errorType == type)
    }

    // MARK: retries

    @Test("5xx responses are retried up to the attempt limit, with jittered backoff between attempts")
    func retriesServerErrors() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(status: 500, body: #"{"__type":"InternalServerError","message":"one"}"#),
            CannedResponse(status: 503, body: #"{"__type":"ServiceUnavailable","message":"two"}"#),
            CannedResponse(status: 500, body: #"{"__type":"InternalServerError","message":"three"}"#),
            CannedResponse(status: 200, body: "{}"),
        ])
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: try Self.client(endpoint: server.endpoint, sleeps: sleeps, random: 0.5))
        #expect {
            try dynamo.deleteTable(DeleteTableInput(tableName: "t"))
        } throws: { error in
            guard case DynamoDBError.other("InternalServerError", "three", 500) = error else { return false }
            return true
        }
        #expect(server.requests.count == 3)
        #expect(sleeps.recorded == [.microseconds(12_500), .milliseconds(25)])
    }

    @Test("throttling errors are retried and a later success is returned")
    func retriesThrottling() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(
                status: 400,
                body:
                    #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow"}"#
            ),
            CannedResponse(status: 400, body: #"{"__type":"ThrottlingException","message":"slow"}"#),
            CannedResponse(status: 200, body: #"{"TableNames":["a","b"]}"#),
        ])
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(
            client: try Self.client(
                endpoint: server.endpoint, retryPolicy: RetryPolicy(maxAttempts: 5), sleeps: sleeps, random: 0.999))
        let output = try dynamo.listTables()
        #expect(output.tableNames == ["a", "b"])
        #expect(server.requests.count == 3)
        #expect(sleeps.recorded.count == 2)
        #expect(sleeps.recorded[0] <= .milliseconds(25) && sleeps.recorded[0] > .milliseconds(24))
        #expect(sleeps.recorded[1] <= .milliseconds(50) && sleeps.recorded[1] > .milliseconds(49))
        #expect(Set(server.requests.map { $0.header("X-Amz-Target") }) == ["DynamoDB_20120810.ListTables"])
    }

    @Test("persistent throttling surfaces as .throttled after maxAttempts")
    func throttledAfterRetries() throws {
        let throttled = CannedResponse(status: 400, body: #"{"__type":"RequestLimitExceeded","message":"limit"}"#)
        let server = try TestHTTPServer(responses: Array(repeating: throttled, count: 4))
        defer { server.stop() }
        let dynamo = DynamoDBClient(
            client: try Self.client(endpoint: server.endpoint, retryPolicy: RetryPolicy(maxAttempts: 2)))
        #expect {
            try dynamo.scan(ScanInput(tableName: "t", limit: 5, totalSegments: 4, segment: 1))
        } throws: { error in
            guard case DynamoDBError.throttled("RequestLimitExceeded", "limit") = error else { return false }
            return true
        }
        #expect(server.requests.count == 2)
    }

    @Test("a 4xx other than throttling is not retried", arguments: [400, 403, 404, 413])
    func noRetryOn4xx(_ status: Int) throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(status: status, body: #"{"__type":"SomeClientError","message":"no"}"#),
            CannedResponse(status: 200, body: "{}"),
        ])
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let client = try Self.client(endpoint: server.endpoint, sleeps: sleeps)
        #expect {
            try client.send(DeleteTable.self, DeleteTableInput(tableName: "t"))
        } throws: { error in
            guard case AWSClientError.service(let service) = error else { return false }
            return service.type == "SomeClientError" && service.status == status
        }
        #expect(server.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test("connection errors are retried, then surface as transport errors")
    func connectionErrors() throws {
        let port = try closedPort()
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(
            client: try Self.client(endpoint: "http://127.0.0.1:\(port)", sleeps: sleeps, random: 0.0))
        #expect {
            try dynamo.getItem(GetItemInput(tableName: "t", key: ["id": .s("x")]))
        } throws: { error in
            guard case DynamoDBError.transport(let curl) = error else { return false }
            return curl.code == 7
        }
        #expect(sleeps.recorded == [.zero, .zero])
    }

    @Test("an undecodable success body is an invalid response")
    func invalidResponse() throws {
        let server = try TestHTTPServer(responses: [CannedResponse(status: 200, body: #"{"TableNames":"oops"}"#)])
        defer { server.stop() }
        let dynamo = DynamoDBClient(client: try Self.client(endpoint: server.endpoint))
        #expect {
            try dynamo.listTables()
        } throws: { error in
            guard case DynamoDBError.invalidResponse = error else { return false }
            return true
        }
    }

    @Test("the Codable helpers put an encoded value and read it back")
    func codableHelpers() throws {
        struct Order: Codable, Equatable {
            var pk: String
            var total: Int
            var note: String?
        }
        let server = try TestHTTPServer(responses: [
            CannedResponse(status: 200, body: "{}"),
            CannedResponse(status: 200, body: #"{"Item":{"pk":{"S":"o#1"},"total":{"N":"42"}}}"#),
            CannedResponse(status: 200, body: "{}"),
        ])
        defer { server.stop() }
        let dynamo = DynamoDBClient(client: try Self.client(endpoint: server.endpoint))
        try dynamo.putItem(Order(pk: "o#1", total: 42), into: "orders", condition: "attribute_not_exists(pk)")
        let order = try dynamo.getItem(Order.self, from: "orders", key: ["pk": .s("o#1")])
        #expect(order == Order(pk: "o#1", total: 42, note: nil))
        let missing = try dynamo.getItem(Order.self, from: "orders", key: ["pk": .s("o#2")])
        #expect(missing == nil)
        let put = try Self.json(server.requests[0].body)
        #expect(put["Item"] as? [String: [String: String]] == ["pk": ["S": "o#1"], "total": ["N": "42"]])
        #expect(put["ConditionExpression"] as? String == "attribute_not_exists(pk)")
    }

    @Test("the Streams client targets DynamoDBStreams_20120810 and signs as dynamodb")
    func streamsClient() throws {
        let server = try TestHTTPServer(responses: [
            CannedResponse(status: 200, body: #"{"ShardIterator":"iter-1"}"#),
            CannedResponse(
                status: 200,
                body: #"""
                    {"Records":[{"eventID":"e1","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb",
                    "awsRegion":"us-east-1","dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"id":{"S":"a"}},
                    "SequenceNumber":"100","SizeBytes":5,"StreamViewType":"KEYS_ONLY"}}],"NextShardIterator":"iter-2"}
                    """#),
        ])
        defer { server.stop() }
        let streams = DynamoDBStreamsClient(
            client: try Self.client(endpoint: server.endpoint, service: .dynamoDBStreams))
        let iterator = try streams.getShardIterator(
            GetShardIteratorInput(streamArn: "arn:s", shardId: "shard-1", shardIteratorType: .trimHorizon))
        #expect(iterator.shardIterator == "iter-1")
        let records = try streams.getRecords(GetRecordsInput(shardIterator: "iter-1", limit: 10))
        #expect(records.nextShardIterator == "iter-2")
        #expect(records.records?.first?.dynamodb?.keys == ["id": .s("a")])
        #expect(
            server.requests.map { $0.header("X-Amz-Target") } == [
                "DynamoDBStreams_20120810.GetShardIterator", "DynamoDBStreams_20120810.GetRecords",
            ])
        #expect(server.requests[0].header("Authorization")?.contains("/us-east-1/dynamodb/aws4_request") == true)
        let body = try Self.json(server.requests[0].body)
        #expect(body["ShardIteratorType"] as? String == "TRIM_HORIZON")
        #expect(body["ShardId"] as? String == "shard-1")
    }
}
