import AWSShapes
import Foundation
import Synchronization
import Testing

@testable import Host

/// The one skeleton every JSON-protocol service runs in: one error protocol, and one hook that sees every
/// operation and can answer in its place.
struct AWSServiceSkeletonTests {
    /// Records every call and fails the operations it is told to.
    final class RecordingHook: AWSOperationHook {
        let calls = Mutex<[(AWSOperationCall, AWSOperationOutcome)]>([])
        let faults: [String: any AWSServiceError]

        init(faults: [String: any AWSServiceError] = [:]) { self.faults = faults }

        func willRun(_ call: AWSOperationCall) -> (any AWSServiceError)? { faults[call.operation] }

        func didRun(_ call: AWSOperationCall, outcome: AWSOperationOutcome) {
            calls.withLock { $0.append((call, outcome)) }
        }

        var seen: [String] {
            calls.withLock { $0.map { "\($0.0.service) \($0.0.operation) \($0.1.status) \($0.1.errorCode ?? "-")" } }
        }
    }

    @Test func everyServiceRendersItsErrorsThroughOneProtocol() {
        let dynamo = DynamoDBAPIError.conditionalCheckFailed(item: ["id": .s("1")])
        let dynamoBody = String(decoding: dynamo.jsonBody, as: UTF8.self)
        #expect(
            dynamoBody == #"{"Item":{"id":{"S":"1"}},"__type":"com.amazonaws.dynamodb.v20120810#"#
                + #"ConditionalCheckFailedException","message":"The conditional request failed"}"#)
        let sqs = SQSError.queueDoesNotExist
        #expect(sqs.qualifiedType == "com.amazonaws.sqs#QueueDoesNotExist")
        #expect(sqs.extraHeaders.map(\.value) == ["AWS.SimpleQueueService.NonExistentQueue;Sender"])
        #expect(SQSError.serialization("x").qualifiedType == "com.amazon.coral.service#SerializationException")
        #expect(
            String(decoding: EventBridgeError.busNotFound("b").jsonBody, as: UTF8.self)
                == #"{"__type":"ResourceNotFoundException","message":"Event bus b does not exist."}"#)
        let lambda = AWSError("ResourceNotFoundException", "Function not found: a/b", status: .notFound)
        #expect(
            String(decoding: lambda.jsonBody, as: UTF8.self)
                == #"{"Type":"User","__type":"ResourceNotFoundException","message":"Function not found: a/b"}"#)
        #expect(lambda.extraHeaders.first?.name == "x-amzn-ErrorType")
    }

    @Test func aServiceWordsAnotherServicesErrorInItsOwnShape() async throws {
        // An SQS failure inside an EventBridge operation is EventBridge's ValidationException with SQS's words.
        let router = AWSJSONRouter(
            service: "events", targetPrefixes: ["AWSEvents."], jsonVersion: "1.1", maximumRequestSize: 1024,
            tooLarge: EventBridgeError("RequestEntityTooLargeException", "too large", status: 413),
            decodingFailure: { EventBridgeError("ValidationException", AWSJSONCoding.describe($0)) },
            unknownOperation: { EventBridgeError("UnknownOperationException", "Unknown operation \($0)") },
            translate: { ($0 as? SQSError).map { EventBridgeError("ValidationException", $0.message) } },
            internalFailure: { EventBridgeError("InternalException", $0, status: 500) })
        var withOperation = router
        withOperation.on(EventBridge.PutEvents.self) { _ in throw SQSError.queueDoesNotExist }
        let answer = await withOperation.respond(
            target: EventBridge.PutEvents.target, body: Data(#"{"Entries":[{"Source":"s"}]}"#.utf8))
        #expect(answer.status == 400)
        #expect(
            String(decoding: answer.body, as: UTF8.self)
                == #"{"__type":"ValidationException","message":"The specified queue does not exist."}"#)
        #expect(answer.headers.isEmpty)
        let unknown = await withOperation.respond(target: "AWSEvents.Frobnicate", body: Data())
        #expect(unknown.status == 400)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("UnknownOperationException"))
    }

    @Test func theHookSeesEveryOperationOfEveryServiceAndCanAnswerInItsPlace() async throws {
        let hook = RecordingHook(faults: ["SendMessage": SQSError.queueDoesNotExist])
        var configuration = testConfiguration()
        configuration.operationHook = hook
        try await withHost(Topology(functions: []), configuration: configuration) { _, ports in
            _ = try await awsJSON(ports.aws, "DynamoDB_20120810.ListTables", "{}")
            _ = try await awsJSONResponse(ports.aws, "DynamoDB_20120810.ListTables", #"{"Limit":"x"}"#)
            let created = try await awsJSON(ports.aws, "AmazonSQS.CreateQueue", #"{"QueueName":"q"}"#)
            let url = try #require(created["QueueUrl"] as? String)
            let refused = try await awsJSONResponse(
                ports.aws, "AmazonSQS.SendMessage", #"{"QueueUrl":"\#(url)","MessageBody":"hi"}"#)
            #expect(refused.status == 400)
            #expect(try refused.json()["__type"] as? String == "com.amazonaws.sqs#QueueDoesNotExist")
            let received = try await awsJSON(ports.aws, "AmazonSQS.ReceiveMessage", #"{"QueueUrl":"\#(url)"}"#)
            #expect((received["Messages"] as? [Any] ?? []).isEmpty, "the injected fault kept the message out")
            _ = try await awsJSON(ports.aws, "AWSEvents.ListEventBuses", "{}")
            _ = try await awsJSON(ports.aws, "Logs_20140328.DescribeLogGroups", "{}")
            _ = try await awsJSONResponse(ports.aws, "Logs_20140328.Frobnicate", "{}")
            // The REST services: routed by path, named per operation, their path parameters as the input.
            let listed = try await http("GET", "http://127.0.0.1:\(ports.aws)/2015-03-31/functions")
            #expect(listed.status == 200)
            let pipe = try await http("GET", "http://127.0.0.1:\(ports.aws)/v1/pipes/no%2Dsuch")
            #expect(pipe.status == 404)
            let unknown = try await http("PATCH", "http://127.0.0.1:\(ports.aws)/v1/pipes/p")
            #expect(unknown.status == 404)
            #expect(try unknown.json()["__type"] as? String == "UnknownOperationException")
        }
        #expect(
            hook.seen == [
                "dynamodb ListTables 200 -", "dynamodb ListTables 400 SerializationException",
                "sqs CreateQueue 200 -", "sqs SendMessage 400 QueueDoesNotExist", "sqs ReceiveMessage 200 -",
                "events ListEventBuses 200 -", "logs DescribeLogGroups 200 -",
                "logs Frobnicate 400 UnknownOperationException", "lambda ListFunctions 200 -",
                "pipes DescribePipe 404 NotFoundException",
            ])
        let calls = hook.calls.withLock { $0 }
        let send = try #require(calls.first { $0.0.operation == "SendMessage" })
        #expect((send.0.input as? SQS.SendMessageRequest)?.messageBody == "hi")
        #expect(calls.allSatisfy { $0.1.duration >= .zero })
        let describe = try #require(calls.first { $0.0.operation == "DescribePipe" })
        #expect((describe.0.input as? Pipes.DescribePipeRequest)?.name == "no-such")
    }
}
