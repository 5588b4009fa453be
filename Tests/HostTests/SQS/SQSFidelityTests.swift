import AWSShapes
import Foundation
import Testing

@testable import Host

/// SQS behaviours checked against AWS's recordings and documentation (docs/aws-behaviour-notes.md §10–11).
@Suite struct SQSFidelityTests {
    let url = "http://127.0.0.1:4566/000000000000/"

    /// One call on the JSON protocol: status, body, `x-amzn-query-error`.
    func call(_ api: SQSAPI, _ operation: String, _ body: String) async -> (
        status: Int, json: [String: Any], queryError: String?
    ) {
        let response = await api.handle(target: "AmazonSQS.\(operation)", body: Data(body.utf8))
        let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return (response.status, json, response.headers["x-amzn-query-error"])
    }

    @Test func invalidCharactersBatchesAndAttributeNamesAreRefusedAsAWSRefusesThem() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: "http://127.0.0.1:4566")
        _ = await call(api, "CreateQueue", #"{"QueueName":"q"}"#)
        let invalid = await call(api, "SendMessage", #"{"QueueUrl":"\#(url)q","MessageBody":"bell \u0007"}"#)
        #expect(invalid.status == 400)
        #expect(invalid.json["__type"] as? String == "com.amazonaws.sqs#InvalidMessageContents")
        #expect(invalid.queryError == "InvalidMessageContents;Sender")
        #expect(
            invalid.json["message"] as? String
                == "Invalid binary character '#x7' was found in the message body, the set of allowed characters is "
                + "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")

        let big = String(repeating: "x", count: 600 * 1024)
        let batch = await call(
            api, "SendMessageBatch",
            #"{"QueueUrl":"\#(url)q","Entries":[{"Id":"a","MessageBody":"\#(big)"},{"Id":"b","MessageBody":"\#(big)"}]}"#
        )
        #expect(batch.status == 400)
        #expect(batch.queryError == "AWS.SimpleQueueService.BatchRequestTooLong;Sender")
        #expect(
            batch.json["message"] as? String
                == "Batch requests cannot be longer than 1048576 bytes. You have sent 1228800 bytes.")

        let cases = [
            (
                #""AWS.key":{"DataType":"String","StringValue":"v"}"#,
                "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved "
                    + "for internal use. Additionally, they cannot start or end with '.'."
            ),
            (
                #""bad name":{"DataType":"String","StringValue":"v"}"#,
                "Message (user) attributes name can only contain upper and lower score characters, digits, periods, "
                    + "hyphens and underscores. "
            ),
            (
                #""Age":{"DataType":"Number","StringValue":"old"}"#,
                "Can't cast the value of message (user) attribute 'Age' to a number."
            ),
        ]
        for (attribute, message) in cases {
            let answer = await call(
                api, "SendMessage", #"{"QueueUrl":"\#(url)q","MessageBody":"m","MessageAttributes":{\#(attribute)}}"#)
            #expect(answer.status == 400)
            #expect(answer.json["message"] as? String == message)
        }
    }

    @Test func changingTheVisibilityOfAMessageWhoseVisibilityRanOutSucceeds() async throws {
        let clock = SQSTestClock()
        let api = SQSAPI(store: try makeSQSStore(clock: clock), baseURL: "http://127.0.0.1:4566")
        _ = await call(api, "CreateQueue", #"{"QueueName":"q","Attributes":{"VisibilityTimeout":"5"}}"#)
        _ = await call(api, "SendMessage", #"{"QueueUrl":"\#(url)q","MessageBody":"m"}"#)
        let received = await call(api, "ReceiveMessage", #"{"QueueUrl":"\#(url)q"}"#)
        let handle = try #require((received.json["Messages"] as? [[String: Any]])?.first?["ReceiptHandle"] as? String)
        clock.advance(by: 6)
        let changed = await call(
            api, "ChangeMessageVisibility",
            #"{"QueueUrl":"\#(url)q","ReceiptHandle":"\#(handle)","VisibilityTimeout":30}"#)
        #expect(changed.status == 200)
        // The new timeout applies: the message is not receivable again until it passes.
        #expect(await call(api, "ReceiveMessage", #"{"QueueUrl":"\#(url)q"}"#).json["Messages"] == nil)
        clock.advance(by: 31)
        #expect(await call(api, "ReceiveMessage", #"{"QueueUrl":"\#(url)q"}"#).json["Messages"] != nil)
    }

    @Test func aRetriedFIFOReceiveGetsTheSameMessagesAndReceiptHandles() async throws {
        let api = SQSAPI(store: try makeSQSStore(), baseURL: "http://127.0.0.1:4566")
        _ = await call(
            api, "CreateQueue",
            #"{"QueueName":"q.fifo","Attributes":{"FifoQueue":"true","ContentBasedDeduplication":"true"}}"#)
        for body in ["one", "two"] {
            _ = await call(
                api, "SendMessage", #"{"QueueUrl":"\#(url)q.fifo","MessageBody":"\#(body)","MessageGroupId":"g"}"#)
        }
        let receive = #"{"QueueUrl":"\#(url)q.fifo","ReceiveRequestAttemptId":"attempt-1"}"#
        let first = await call(api, "ReceiveMessage", receive)
        let message = try #require((first.json["Messages"] as? [[String: Any]])?.first)
        #expect(message["Body"] as? String == "one")
        // The response was lost; the SDK retries with the same attempt id.
        let retried = await call(api, "ReceiveMessage", receive)
        let again = try #require((retried.json["Messages"] as? [[String: Any]])?.first)
        #expect(again["MessageId"] as? String == message["MessageId"] as? String)
        #expect(again["ReceiptHandle"] as? String == message["ReceiptHandle"] as? String)
        // Once the message is deleted, the attempt id no longer brings it back.
        _ = await call(
            api, "DeleteMessage",
            #"{"QueueUrl":"\#(url)q.fifo","ReceiptHandle":"\#(message["ReceiptHandle"] as? String ?? "")"}"#)
        let next = await call(api, "ReceiveMessage", receive)
        #expect((next.json["Messages"] as? [[String: Any]])?.first?["Body"] as? String == "two")
    }
}
